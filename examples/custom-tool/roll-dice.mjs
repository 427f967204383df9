// A Parley tool plugin: `PARLEY_TOOL_PLUGINS=./examples/custom-tool/roll-dice.mjs`.
// A plugin module exports one defineTool(...) result, or an array of them.
import { randomInt } from 'node:crypto';
import { defineTool } from '@parley/server';

export default defineTool({
  name: 'roll_dice',
  description: 'Rolls dice, e.g. 2 six-sided dice. Use it for games and random picks.',
  // The model's arguments are checked against this schema before execute runs.
  parameters: {
    type: 'object',
    additionalProperties: false,
    required: ['sides'],
    properties: {
      sides: { type: 'integer', minimum: 2, maximum: 1000 },
      count: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
    },
  },
  // What a tenant may set through the admin API: PUT …/tools/roll_dice {"config": {…}}.
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { maxCount: { type: 'integer', minimum: 1, maximum: 100 } },
  },
  timeoutMs: 1000,
  execute({ sides, count }, ctx) {
    const max = ctx.config.maxCount ?? 100;
    // Thrown errors reach the model as the tool result; it can correct itself.
    if (count > max) throw new Error(`At most ${max} dice per roll here`);
    const rolls = Array.from({ length: count }, () => randomInt(1, sides + 1));
    ctx.log.debug({ rolls }, 'dice rolled');
    const total = rolls.reduce((a, b) => a + b, 0);
    return {
      rolls,
      total,
      summary: `Rolled ${count}d${sides}: ${rolls.join(', ')} (total ${total})`,
    };
  },
});
