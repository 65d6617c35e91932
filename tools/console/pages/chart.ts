/**
 * The overview's chart: failures per hour (failed and stalled, stacked) as inline SVG, drawn on the server, so it
 * needs no script. Sizes are SVG attributes, not CSS `style` (the CSP allows no inline style). Every bar links to the
 * list of the jobs it counts.
 */
import { html, raw, type SafeHtml } from '../html';
import { HOUR_MS } from '../periods';
import { listHref } from './common';

/** One stacked series. */
export interface ChartSeries {
  readonly status: string;
  readonly perHour: readonly number[];
}

const WIDTH = 760;
const HEIGHT = 170;
const LEFT = 34;
const BOTTOM = 22;
const TOP = 8;

/** `2026-11-23T08:00:00.000Z` → `08:00`, or `11-23 08h` when the chart spans days. */
function hourLabel(iso: string, days: boolean): string {
  return days ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16);
}

/** The chart of `series` over `hours` (each hour's start, ISO, oldest first). */
export function failureChart(hours: readonly string[], series: readonly ChartSeries[]): SafeHtml {
  const n = Math.max(hours.length, 1);
  const totals = hours.map((_, i) => series.reduce((sum, s) => sum + (s.perHour[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const slot = (WIDTH - LEFT - 4) / n;
  const barWidth = Math.max(1, slot * 0.8);
  const days = n > 30;
  const bars: SafeHtml[] = [];
  hours.forEach((start, i) => {
    let stacked = 0;
    const until = new Date(Date.parse(start) + HOUR_MS).toISOString();
    for (const s of series) {
      const count = s.perHour[i] ?? 0;
      if (count === 0) continue;
      const height = (count / max) * plotHeight;
      const y = TOP + plotHeight - stacked - height;
      stacked += height;
      const href = listHref({ status: s.status, since: start, until });
      bars.push(
        html`<a href="${href}"><rect class="bar s-${s.status}" x="${(LEFT + i * slot).toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.max(height, 1).toFixed(1)}"><title>${count} ${s.status} in the hour from ${hourLabel(start, true)}</title></rect></a>`,
      );
    }
  });
  const every = Math.max(1, Math.ceil(n / 8));
  const labels = hours
    .map((start, i) => (i % every === 0 ? html`<text x="${(LEFT + i * slot).toFixed(1)}" y="${HEIGHT - 6}">${hourLabel(start, days)}</text>` : raw('')))
    .filter((label) => label.text !== '');
  const total = totals.reduce((a, b) => a + b, 0);
  return html`<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="failures per hour: ${total} in all, at most ${max} in one hour">
<line class="axis" x1="${LEFT}" y1="${TOP + plotHeight}" x2="${WIDTH}" y2="${TOP + plotHeight}"></line>
<text class="ymax" x="2" y="${TOP + 10}">${max}</text><text class="ymax" x="2" y="${TOP + plotHeight}">0</text>
${bars}${labels}
</svg>`;
}
