import type { Application, ResourceModel } from '../../compiler/application.js';

/** The resource's key as SystemRunner names it: Device.Resource (.sys) or Resource (.fboot). */
export function resourceKey61499(app: Application, net: { device?: string; name: string }): string {
  return app.iec61499?.origin === 'sys' && net.device ? `${net.device}.${net.name}` : net.name;
}

/**
 * The IEC 61499 resources of an application as the engine schedules them: one ResourceModel
 * per resource, named by its key, with one pseudo-task of the same name that carries the
 * resource's metrics (wake-ups, event-chain time, timer lateness) and its watchdog. It has no
 * interval (timers decide), no programs and no located variables.
 */
export function resourceModels61499(app: Application): ResourceModel[] {
  return (app.iec61499?.resources ?? []).map((net) => {
    const name = resourceKey61499(app, net);
    return { name, tasks: [{ name, intervalNs: 0, priority: 0 }], programs: [], globals: [], located: [] };
  });
}
