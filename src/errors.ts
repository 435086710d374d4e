/**
 * leannet's few named errors. Each message is one line a user can act on, naming the node
 * (op type and name) or the file it is about; the CLI prints it without a stack trace.
 */

/** Base class: every error leannet raises on purpose. */
export class LeannetError extends Error {
  override name = 'LeannetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The bytes are not a readable model: not protobuf, truncated, missing fields, bad external data. */
export class ModelFormatError extends LeannetError {
  override name = 'ModelFormatError';
}

/** The graph is structurally wrong: a cycle, a dangling input, a duplicate name, a type mismatch. */
export class GraphError extends LeannetError {
  override name = 'GraphError';
}

/** A shape could not be inferred, or the model's shapes contradict each other. */
export class ShapeInferenceError extends LeannetError {
  override name = 'ShapeInferenceError';
}

/** An operation leannet cannot perform on this op (reading it is never an error: unknown ops are kept). */
export class UnsupportedOpError extends LeannetError {
  override name = 'UnsupportedOpError';
}

/** A runtime failed to load or run a model. */
export class EngineError extends LeannetError {
  override name = 'EngineError';
}

/** The user asked for something invalid: a bad flag value, an unknown name, a missing file. */
export class UsageError extends LeannetError {
  override name = 'UsageError';
}

/** `Error in Conv 'conv_3': ` — the prefix every node-level message starts with. */
export function nodeContext(opType: string, name: string): string {
  return `Error in ${opType} '${name}': `;
}

/** A result could not be written: the folder is missing or read-only, the disk is full. */
export class OutputError extends LeannetError {
  override name = 'OutputError';
}

/** Data cannot be used: a file that does not decode, a sample that does not fit the model's input, labels that do not match. */
export class DataError extends LeannetError {
  override name = 'DataError';
}
