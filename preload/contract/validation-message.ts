// A contract validation error in the user's words, with the field it belongs to, so the UI can show it next
// to that field ("Steps must be between 1 and 150."), never "Invalid request: generation.planCost.steps: …".
// The same words for the server's answer (to-api-error.ts) and the form's own checks before it asks.
import { ValidationError, type Schema } from './schema';

/** The form's names for the contract's fields (path segments); others are de-camel-cased. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  prompt: 'Prompt', negativePrompt: 'Negative prompt', steps: 'Steps', cfg: 'CFG', sampler: 'Sampler', eta: 'Eta',
  width: 'Width', height: 'Height', seed: 'Seed', batchCount: 'Batch count', schedule: 'Schedule',
  pruneRatio: 'Prune ratio', cacheInterval: 'Cache interval', name: 'Name', search: 'Search', cpuThreads: 'CPU threads',
  outputDir: 'Output folder',
};

/** The field a validation path names: its last property (`generation.planCost.steps` → `steps`). */
export function validationField(path: string): string {
  const names = path.match(/[A-Za-z_$][\w$]*/g);
  return names?.at(-1) ?? '';
}

function labelOf(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  const words = field.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'This value';
}

/** The problem as the schema states it, rephrased for a person (schema.ts words its problems for developers). */
function rephrase(problem: string): string {
  if (problem.startsWith('expected a finite number')) return 'must be a number';
  if (problem.startsWith('expected a string')) return 'must be text';
  if (problem.startsWith('expected true or false')) return 'must be on or off';
  const longer = /^longer than (\d+) characters$/.exec(problem);
  if (longer) return `must be at most ${longer[1]} characters`;
  const shorter = /^shorter than (\d+) characters$/.exec(problem);
  if (shorter) return `must be at least ${shorter[1]} characters`;
  if (problem === 'contains a NUL character') return 'contains a character that is not allowed';
  if (problem === 'has an invalid format') return 'is not in the expected format';
  if (/^(must|is|cannot)\b/.test(problem)) return problem;
  return `is not valid (${problem})`;
}

export function friendlyValidation(err: ValidationError): { field: string; message: string } {
  const field = validationField(err.path);
  // a rule over several fields (refine) states a whole sentence about the request, not about one field
  if (!FIELD_LABELS[field] && /^[\d(]/.test(err.problem)) return { field: '', message: `${err.problem}.` };
  return { field, message: `${labelOf(field)} ${rephrase(err.problem)}.` };
}

/** The friendly message when `value` does not pass `schema` (a form's own check), else null. */
export function fieldProblem<T>(schema: Schema<T>, value: unknown, field: string): string | null {
  try {
    schema(value, field);
    return null;
  } catch (err) {
    if (err instanceof ValidationError) return friendlyValidation(err).message;
    throw err;
  }
}
