/**
 * In-place change of a running IEC 61499 resource (`vplc device`): CREATE and DELETE of an FB
 * and its connection while an E_CYCLE (1 ms) drives an E_CTU on the real clock. Measured: how
 * long the resource is held for an edit (between two event chains), the whole request
 * (compilation of the new network included), against what a cold rebuild costs (START of the
 * same network on a fresh resource: compile, build, COLD), and the ticks lost or repeated
 * (the counter must equal the number of E_CYCLE periods since the start, after every change).
 */
import { Device } from '../../runtime/iec61499/management/device.js';
import { libraryTypeProvider } from '../../runtime/iec61499/management/type-provider.js';
import { median, type BenchResult } from './report.js';

const DT_NS = 1_000_000;

function request(d: Device, dst: string, action: string, inner = ''): void {
  const answer = d.execute(dst, `<Request ID="1" Action="${action}">${inner}</Request>`);
  if (answer.includes('Reason=')) throw new Error(`${action} ${inner}: ${answer}`);
}

function deploy(d: Device, res: string): void {
  request(d, '', 'CREATE', `<FB Name="${res}" Type="EMB_RES" />`);
  request(d, res, 'CREATE', '<FB Name="CY" Type="E_CYCLE" />');
  request(d, res, 'CREATE', '<FB Name="C" Type="E_CTU" />');
  request(d, res, 'CREATE', '<Connection Source="START.COLD" Destination="CY.START" />');
  request(d, res, 'CREATE', '<Connection Source="CY.EO" Destination="C.CU" />');
  request(d, res, 'WRITE', '<Connection Source="T#1ms" Destination="CY.DT" />');
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function main(argv: string[] = []): Promise<BenchResult> {
  const i = argv.indexOf('--changes');
  const changes = i >= 0 ? Number(argv[i + 1]) : 40;
  const device = new Device({ types: libraryTypeProvider() });
  device.startClock(1);
  try {
    deploy(device, 'RES');
    request(device, 'RES', 'START');
    const managed = device.resources.get('RES')!;
    const applied: number[] = [];
    const total: number[] = [];
    let mismatches = 0;
    const check = () => {
      const r = managed.executing!;
      if (Number(r.read('C.CV')) !== Math.floor(r.timeNs / DT_NS)) mismatches++;
    };
    for (let k = 0; k < changes; k++) {
      const edits: [string, string][] = k % 2 === 0
        ? [['CREATE', `<FB Name="Q" Type="E_CTU" />`], ['CREATE', '<Connection Source="CY.EO" Destination="Q.CU" />']]
        : [['DELETE', '<Connection Source="CY.EO" Destination="Q.CU" />'], ['DELETE', `<FB Name="Q" Type="E_CTU" />`]];
      for (const [action, inner] of edits) {
        await pause(5);
        request(device, 'RES', action, inner);
        applied.push(managed.lastChange!.appliedMs);
        total.push(managed.lastChange!.totalMs);
        if (!managed.lastChange!.inPlace) throw new Error('not edited in place');
        check();
      }
    }
    // the baseline: what a cold rebuild costs, START of the same network on a fresh resource
    const cold: number[] = [];
    for (let k = 0; k < 10; k++) {
      deploy(device, `COLD${k}`);
      const t0 = performance.now();
      request(device, `COLD${k}`, 'START');
      cold.push(performance.now() - t0);
      request(device, '', 'KILL', `<FB Name="COLD${k}" Type="EMB_RES" />`);
      request(device, '', 'DELETE', `<FB Name="COLD${k}" Type="EMB_RES" />`);
      await pause(5);
    }
    const heldMedian = median(applied);
    return {
      bench: 'inplace-61499',
      title: 'In-place change of a running IEC 61499 resource (E_CYCLE 1 ms → E_CTU, real clock)',
      figures: [
        { name: 'resource held for the edit (between two chains), median', value: heldMedian * 1000, unit: 'µs', note: `max ${(Math.max(...applied) * 1000).toFixed(0)} µs over ${applied.length} edits` },
        {
          name: 'whole request (new network compiled, then applied), median',
          value: median(total),
          unit: 'ms',
          baseline: { name: 'cold rebuild: START of the same network (compile, build, COLD)', value: median(cold) },
          ratio: median(total) / median(cold),
        },
        { name: 'E_CYCLE ticks lost or repeated across the edits', value: mismatches, unit: 'edits with a count ≠ periods', note: `counter checked against floor(time / DT) after each of ${applied.length} edits` },
      ],
      notes: [
        'The compilation runs before the resource is touched; only the edit itself (FBs and connections taken out or added, the dispatch recompiled) holds the resource.',
      ],
    };
  } finally {
    device.shutdown();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await main(process.argv.slice(2));
  console.log(JSON.stringify(r, null, 2));
}
