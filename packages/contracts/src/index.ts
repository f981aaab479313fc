export * from './errors.js';
export * from './catalog.js';
export * from './auth.js';
export * from './onboarding.js';
export * from './chat.js';
export * from './level-test.js';
export * from './realtime.js';
export * from './formats.js';
