// Every instruction handler, for the generated dispatch.
export * from './stack';
export * from './data';
export * from './control';
export * from './muldiv';
export * from './bcd';
export * from './bit';
export * from './string';
export * from './io';
export * from './misc';
export * from './segment';
export * from './far';
export * from './system';
export * from './x87';
