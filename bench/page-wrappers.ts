// Page scripts the benchmark and the profiler run in pages without CX Lens.

/**
 * Runs before the page's scripts and wraps every plugin's publish, without CX Lens:
 * - `naive`: the benchmark's naive relay, which posts one message per event to a listener standing
 *   in for a content script;
 * - otherwise the floor of any tap that wraps the bus's methods: a bare pass-through function (one
 *   frame of JavaScript between the caller and the original, recording nothing). With DevTools open,
 *   every setTimeout the bus makes under it records the stack for async stack traces, and pays for
 *   that frame.
 */
export function wrapEveryPublish(naive: boolean): void {
  let received = 0;
  if (naive) {
    window.addEventListener('message', (e) => {
      if (e.data && e.data.naive) received++;
    });
    (window as any).naiveReceived = () => received;
  }
  let bus: any;
  Object.defineProperty(window, 'CXBus', {
    configurable: true,
    get: () => bus,
    set(value) {
      bus = value;
      const register = value.registerPlugin;
      value.registerPlugin = function (this: unknown, name: string) {
        const iface = register.apply(this, arguments as any);
        if (iface && typeof iface.publish === 'function') {
          const publish = iface.publish;
          iface.publish = naive
            ? function (this: unknown, event: string, data: unknown) {
              window.postMessage({ naive: true, name: `${name}.${event}`, data }, location.origin);
              return publish.apply(this, arguments as any);
            }
            : function (this: unknown) {
              return publish.apply(this, arguments as any);
            };
        }
        return iface;
      };
    },
  });
}
