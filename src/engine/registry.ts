/**
 * Engines by name. Resolution tries the named factory; an unknown name, or one that fails to
 * load, is an EngineError that lists every engine and what it is.
 */
import { EngineError } from '../errors.js';
import type { Engine, EngineFactory, EngineInput, EngineOptions } from './types.js';

const factories = new Map<string, EngineFactory>();

/** Add an engine; a second engine under a name already taken is refused (it would silently replace the first). */
export function registerEngine(factory: EngineFactory): void {
  if (factories.has(factory.name)) throw new EngineError(`an engine named '${factory.name}' is already registered (${factories.get(factory.name)!.description})`);
  factories.set(factory.name, factory);
}

export function engineNames(): string[] {
  return [...factories.keys()];
}

/** The engines that run models of this form, in registration order. */
export function enginesFor(input: EngineInput): string[] {
  return [...factories.values()].filter((f) => f.runs.includes(input)).map((f) => f.name);
}

export function describeEngines(): string {
  return [...factories.values()].map((f) => `${f.name} (${f.description})`).join(', ');
}

export async function createEngine(name: string, options: EngineOptions = {}): Promise<Engine> {
  const factory = factories.get(name);
  if (!factory) throw new EngineError(`unknown engine '${name}'; available: ${describeEngines()}`);
  try {
    return await factory.create(options);
  } catch (e) {
    if (e instanceof EngineError) throw e;
    throw new EngineError(`engine '${name}' failed to load: ${firstLine(e)}; available: ${describeEngines()}`, { cause: e });
  }
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').map((l) => l.trim()).filter(Boolean)[0] ?? msg;
}
