// The demo bank as the private workspace `@consent-manager/demo` offers it to the tests and the benchmarks.
export { startDemo, type DemoOptions, type RunningDemo } from './server.js';
export { logIn, logOut } from './login.js';
export { SPECIMENS, type Specimen } from './playground.js';
