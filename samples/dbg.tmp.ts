import { startTankDevice } from './tank-level/tank-device.js';
const d = await startTankDevice({ port: 15020, speed: 10 });
setInterval(() => console.log('dev', d.signal('level').toFixed(3), d.signal('inflowPosition'), d.signal('inflowValve'), d.signal('outflowValve')), 1000);
setTimeout(() => d.close().then(() => process.exit(0)), 25000);
