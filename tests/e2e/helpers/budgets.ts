import type { Page } from 'playwright-core';

/** First paint and first contentful paint of the page, in ms since navigation start. */
export async function paintTimings(
  page: Page,
): Promise<{ firstPaint: number | null; firstContentfulPaint: number | null }> {
  return page.evaluate(() => {
    const entries = performance.getEntriesByType('paint');
    const at = (name: string) => entries.find((e) => e.name === name)?.startTime ?? null;
    return { firstPaint: at('first-paint'), firstContentfulPaint: at('first-contentful-paint') };
  });
}

/** Share of one core the page's main thread spent on tasks over `ms` (DevTools TaskDuration). */
export async function pageCpuPercent(page: Page, ms: number): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  };
  const before = await read();
  const started = Date.now();
  await page.waitForTimeout(ms);
  const after = await read();
  const elapsed = (Date.now() - started) / 1000;
  await cdp.detach();
  return ((after - before) / elapsed) * 100;
}

export interface ScrollResult {
  frames: number;
  seconds: number;
  fps: number;
  /** Frames that took longer than 50 ms (visible jank). */
  longFrames: number;
  worstFrameMs: number;
  /** Main-thread time shares during the scroll (DevTools metrics), % of one core. */
  mainThread: { scriptPct: number; layoutPct: number; stylePct: number; taskPct: number };
}

/** Scrolls an element continuously for `ms`, one step per frame, counting animation frames. */
export async function scrollSmoothness(
  page: Page,
  selector: string,
  ms: number,
  stepPx: number,
): Promise<ScrollResult> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
    return {
      script: get('ScriptDuration'),
      layout: get('LayoutDuration'),
      style: get('RecalcStyleDuration'),
      task: get('TaskDuration'),
    };
  };
  const before = await read();
  const result = await page.evaluate(
    ({ selector, ms, stepPx }) =>
      new Promise<Omit<ScrollResult, 'mainThread'>>((resolve) => {
        const el = document.querySelector(selector) as HTMLElement;
        const start = performance.now();
        let last = start;
        let frames = 0;
        let longFrames = 0;
        let worst = 0;
        let direction = -1;
        const step = () => {
          const now = performance.now();
          const dt = now - last;
          last = now;
          if (frames > 0) {
            worst = Math.max(worst, dt);
            if (dt > 50) longFrames++;
          }
          frames++;
          const max = el.scrollHeight - el.clientHeight;
          if (el.scrollTop <= 0) direction = 1;
          else if (el.scrollTop >= max - 1) direction = -1;
          el.scrollTop += direction * stepPx;
          if (now - start < ms) requestAnimationFrame(step);
          else {
            const seconds = (now - start) / 1000;
            resolve({ frames, seconds, fps: frames / seconds, longFrames, worstFrameMs: worst });
          }
        };
        requestAnimationFrame(step);
      }),
    { selector, ms, stepPx },
  );
  const after = await read();
  await cdp.detach();
  const pct = (k: keyof typeof before) => ((after[k] - before[k]) / result.seconds) * 100;
  return {
    ...result,
    mainThread: {
      scriptPct: pct('script'),
      layoutPct: pct('layout'),
      stylePct: pct('style'),
      taskPct: pct('task'),
    },
  };
}
