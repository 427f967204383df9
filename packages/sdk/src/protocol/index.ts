export * from './error-codes.js';
export * from './events.js';
export * from './resources.js';
export * from './ws-frames.js';
