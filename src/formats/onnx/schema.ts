/**
 * The ONNX protobuf schema (onnx.proto, IR version 11) as a protobufjs JSON descriptor.
 *
 * Field numbers follow the ONNX specification (onnx/onnx.proto). protobufjs builds its
 * decoder and encoder from this table at start-up; nothing here parses bytes by hand.
 * The file is proto2 (each message says so: protobufjs would otherwise take JSON descriptors as
 * proto3), so repeated scalars are unpacked unless ONNX marks them `[packed = true]` (the
 * TensorProto data fields), exactly as the reference writer emits.
 */
import type { INamespace } from 'protobufjs';

type FieldSpec = [id: number, type: string, rule?: 'repeated' | 'packed'];

/** Build one message descriptor from `{ name: [id, type, rule] }`. */
function message(fields: Record<string, FieldSpec>, oneofs?: Record<string, string[]>, nested?: INamespace['nested']) {
  const out: Record<string, unknown> = {};
  for (const [name, [id, type, rule]] of Object.entries(fields)) {
    out[name] =
      rule === 'packed'
        ? { rule: 'repeated', type, id, options: { packed: true } }
        : rule === 'repeated'
          ? { rule: 'repeated', type, id }
          : { type, id };
  }
  // proto2, as onnx.proto is: explicit presence, unpacked repeated scalars unless marked, and no
  // UTF-8 re-validation (protobufjs otherwise decodes strings with a JS decoder into rope strings,
  // which made every name lookup in a Map flatten its key first).
  const desc: Record<string, unknown> = { edition: 'proto2', fields: out };
  if (oneofs) desc['oneofs'] = Object.fromEntries(Object.entries(oneofs).map(([k, v]) => [k, { oneof: v }]));
  if (nested) desc['nested'] = nested;
  return desc;
}

const SSE = 'StringStringEntryProto';

export const onnxSchema: INamespace = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: message(
          {
            name: [1, 'string'],
            ref_attr_name: [21, 'string'],
            doc_string: [13, 'string'],
            type: [20, 'int32'],
            f: [2, 'float'],
            i: [3, 'int64'],
            s: [4, 'bytes'],
            t: [5, 'TensorProto'],
            g: [6, 'GraphProto'],
            sparse_tensor: [22, 'SparseTensorProto'],
            tp: [14, 'TypeProto'],
            floats: [7, 'float', 'repeated'],
            ints: [8, 'int64', 'repeated'],
            strings: [9, 'bytes', 'repeated'],
            tensors: [10, 'TensorProto', 'repeated'],
            graphs: [11, 'GraphProto', 'repeated'],
            sparse_tensors: [23, 'SparseTensorProto', 'repeated'],
            type_protos: [15, 'TypeProto', 'repeated'],
          },
        ),
        ValueInfoProto: message({
          name: [1, 'string'],
          type: [2, 'TypeProto'],
          doc_string: [3, 'string'],
          metadata_props: [4, SSE, 'repeated'],
        }),
        NodeProto: message({
          input: [1, 'string', 'repeated'],
          output: [2, 'string', 'repeated'],
          name: [3, 'string'],
          op_type: [4, 'string'],
          domain: [7, 'string'],
          overload: [8, 'string'],
          attribute: [5, 'AttributeProto', 'repeated'],
          doc_string: [6, 'string'],
          metadata_props: [9, SSE, 'repeated'],
          device_configurations: [10, 'NodeDeviceConfigurationProto', 'repeated'],
        }),
        IntIntListEntryProto: message({ key: [1, 'int64'], value: [2, 'int64', 'repeated'] }),
        SimpleShardedDimProto: message(
          { dim_value: [1, 'int64'], dim_param: [2, 'string'], num_shards: [3, 'int64'] },
          { dim: ['dim_value', 'dim_param'] },
        ),
        ShardedDimProto: message({ axis: [1, 'int64'], simple_sharding: [2, 'SimpleShardedDimProto', 'repeated'] }),
        ShardingSpecProto: message({
          tensor_name: [1, 'string'],
          device: [2, 'int64', 'repeated'],
          index_to_device_group_map: [3, 'IntIntListEntryProto', 'repeated'],
          sharded_dim: [4, 'ShardedDimProto', 'repeated'],
        }),
        NodeDeviceConfigurationProto: message({
          configuration_id: [1, 'string'],
          sharding_spec: [2, 'ShardingSpecProto', 'repeated'],
          pipeline_stage: [3, 'int32'],
        }),
        DeviceConfigurationProto: message({
          name: [1, 'string'],
          num_devices: [2, 'int32'],
          device: [3, 'string', 'repeated'],
        }),
        TrainingInfoProto: message({
          initialization: [1, 'GraphProto'],
          algorithm: [2, 'GraphProto'],
          initialization_binding: [3, SSE, 'repeated'],
          update_binding: [4, SSE, 'repeated'],
        }),
        ModelProto: message({
          ir_version: [1, 'int64'],
          opset_import: [8, 'OperatorSetIdProto', 'repeated'],
          producer_name: [2, 'string'],
          producer_version: [3, 'string'],
          domain: [4, 'string'],
          model_version: [5, 'int64'],
          doc_string: [6, 'string'],
          graph: [7, 'GraphProto'],
          metadata_props: [14, SSE, 'repeated'],
          training_info: [20, 'TrainingInfoProto', 'repeated'],
          functions: [25, 'FunctionProto', 'repeated'],
          configuration: [26, 'DeviceConfigurationProto', 'repeated'],
        }),
        StringStringEntryProto: message({ key: [1, 'string'], value: [2, 'string'] }),
        TensorAnnotation: message({
          tensor_name: [1, 'string'],
          quant_parameter_tensor_names: [2, SSE, 'repeated'],
        }),
        GraphProto: message({
          node: [1, 'NodeProto', 'repeated'],
          name: [2, 'string'],
          initializer: [5, 'TensorProto', 'repeated'],
          sparse_initializer: [15, 'SparseTensorProto', 'repeated'],
          doc_string: [10, 'string'],
          input: [11, 'ValueInfoProto', 'repeated'],
          output: [12, 'ValueInfoProto', 'repeated'],
          value_info: [13, 'ValueInfoProto', 'repeated'],
          quantization_annotation: [14, 'TensorAnnotation', 'repeated'],
          metadata_props: [16, SSE, 'repeated'],
        }),
        TensorProto: message(
          {
            dims: [1, 'int64', 'repeated'],
            data_type: [2, 'int32'],
            segment: [3, 'TensorProto.Segment'],
            float_data: [4, 'float', 'packed'],
            int32_data: [5, 'int32', 'packed'],
            string_data: [6, 'bytes', 'repeated'],
            int64_data: [7, 'int64', 'packed'],
            name: [8, 'string'],
            doc_string: [12, 'string'],
            raw_data: [9, 'bytes'],
            external_data: [13, SSE, 'repeated'],
            data_location: [14, 'int32'],
            double_data: [10, 'double', 'packed'],
            uint64_data: [11, 'uint64', 'packed'],
            metadata_props: [16, SSE, 'repeated'],
          },
          undefined,
          { Segment: message({ begin: [1, 'int64'], end: [2, 'int64'] }) },
        ),
        SparseTensorProto: message({
          values: [1, 'TensorProto'],
          indices: [2, 'TensorProto'],
          dims: [3, 'int64', 'repeated'],
        }),
        TensorShapeProto: message({ dim: [1, 'TensorShapeProto.Dimension', 'repeated'] }, undefined, {
          Dimension: message(
            { dim_value: [1, 'int64'], dim_param: [2, 'string'], denotation: [3, 'string'] },
            { value: ['dim_value', 'dim_param'] },
          ),
        }),
        TypeProto: message(
          {
            tensor_type: [1, 'TypeProto.Tensor'],
            sequence_type: [4, 'TypeProto.Sequence'],
            map_type: [5, 'TypeProto.Map'],
            optional_type: [9, 'TypeProto.Optional'],
            sparse_tensor_type: [8, 'TypeProto.SparseTensor'],
            opaque_type: [7, 'TypeProto.Opaque'],
            denotation: [6, 'string'],
          },
          { value: ['tensor_type', 'sequence_type', 'map_type', 'optional_type', 'sparse_tensor_type', 'opaque_type'] },
          {
            Tensor: message({ elem_type: [1, 'int32'], shape: [2, 'TensorShapeProto'] }),
            Sequence: message({ elem_type: [1, 'TypeProto'] }),
            Map: message({ key_type: [1, 'int32'], value_type: [2, 'TypeProto'] }),
            Optional: message({ elem_type: [1, 'TypeProto'] }),
            SparseTensor: message({ elem_type: [1, 'int32'], shape: [2, 'TensorShapeProto'] }),
            Opaque: message({ domain: [1, 'string'], name: [2, 'string'] }),
          },
        ),
        OperatorSetIdProto: message({ domain: [1, 'string'], version: [2, 'int64'] }),
        FunctionProto: message({
          name: [1, 'string'],
          input: [4, 'string', 'repeated'],
          output: [5, 'string', 'repeated'],
          attribute: [6, 'string', 'repeated'],
          attribute_proto: [11, 'AttributeProto', 'repeated'],
          node: [7, 'NodeProto', 'repeated'],
          doc_string: [8, 'string'],
          opset_import: [9, 'OperatorSetIdProto', 'repeated'],
          domain: [10, 'string'],
          overload: [13, 'string'],
          value_info: [12, 'ValueInfoProto', 'repeated'],
          metadata_props: [14, SSE, 'repeated'],
        }),
      },
    },
  },
};
