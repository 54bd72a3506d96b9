// The helpers live beside the samples, whose own tests use them too (samples never import test/).
export { freePort, until } from '../../samples/wait.js';
