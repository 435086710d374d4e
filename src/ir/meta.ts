/** The model-level fields of an ONNX file (beside its graph), carried from reader to writer. */
export interface ModelMeta {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  metadata: { key: string; value: string }[];
  /** Fields leannet does not interpret (functions, training_info, …), written back unchanged. */
  extra: Record<string, unknown>;
  /** GraphProto fields leannet does not interpret (sparse_initializer, quantization_annotation, …). */
  graphExtra: Record<string, unknown>;
  /** Whether the file listed initializers among graph inputs (IR < 4 style); the writer repeats it. */
  initializersAsInputs: boolean;
}

export function defaultMeta(): ModelMeta {
  return {
    irVersion: 8,
    producerName: 'leannet',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: [],
    extra: {},
    graphExtra: {},
    initializersAsInputs: false,
  };
}
