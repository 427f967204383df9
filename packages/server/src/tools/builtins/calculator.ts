import { defineTool } from '../define-tool.js';
import type { ToolDefinition } from '../define-tool.js';
import type { CalculatorSandbox } from './calculator-sandbox.js';

const MAX_LENGTH = 500;

export function calculatorTool(sandbox: CalculatorSandbox): ToolDefinition<{ expression: string }> {
  return defineTool<{ expression: string }>({
    name: 'calculator',
    description:
      'Evaluates a math expression exactly: arithmetic, functions (sqrt, sin, log, …), and units with conversion, e.g. "(3+4)*12 km to miles" or "5 kg * 9.81 m/s^2 to N".',
    parameters: {
      type: 'object',
      additionalProperties: false,
      required: ['expression'],
      properties: {
        expression: { type: 'string', minLength: 1, maxLength: MAX_LENGTH },
      },
    },
    timeoutMs: 5_000,
    ready: () => sandbox.ready(),
    async execute({ expression }) {
      const result = await sandbox.evaluate(expression);
      // The model gets every digit; people get a readable number.
      return { expression, result, summary: `${expression} = ${forDisplay(result)}` };
    },
  });
}

/** Numbers in a result, to 6 significant digits without trailing zeros: 52.195180147936 → 52.1952. */
export function forDisplay(result: string): string {
  return result.replace(/-?\d+\.\d{5,}(?:e[-+]?\d+)?/gi, (n) =>
    String(Number(Number(n).toPrecision(6))),
  );
}
