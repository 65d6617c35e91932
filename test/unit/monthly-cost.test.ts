/** The monthly bill model (bench/monthly.ts): fixed parts from the stack itself, variable parts from measured costs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostResult } from '../../bench/cost';
import { MONTHLY_VOLUMES, monthlyBills, stackFacts } from '../../bench/monthly';

const results = JSON.parse(readFileSync(path.resolve(__dirname, '../../bench/results.json'), 'utf8')) as { cost: CostResult };
const cost: CostResult = {
  ...results.cost,
  alerts: results.cost.alerts ?? { alertWorthyEvents: 12, writeUnitsPerAlertWorthyEvent: 4.5, readUnitsPerAlertWorthyEvent: 4, publishes: 10 },
};

describe('monthly bill', () => {
  const facts = stackFacts();
  const { bills } = monthlyBills(cost, facts);

  it('counts the fixed parts from the default stack (key, secret, alarms, dashboard, both schedules)', () => {
    expect(facts).toMatchObject({ kmsKeys: 1, secrets: 1, dashboards: 1 });
    expect(facts.alarms).toBeGreaterThanOrEqual(5);
    expect([...facts.scheduleMinutes].sort((a, b) => a - b)).toEqual([1, 5]);
  });

  it('bills only the fixed parts at zero deliveries, and grows with volume', () => {
    expect(bills.map((b) => b.deliveries)).toEqual([...MONTHLY_VOLUMES]);
    const zero = bills[0];
    const fixed = zero?.lines.filter((l) => l.usd > 0).map((l) => l.item) ?? [];
    expect(fixed.every((item) => /KMS key|secrets \(|dashboard|alarms|watchdog/.test(item))).toBe(true);
    expect(zero?.totalUsd).toBeGreaterThan(4);
    for (let i = 1; i < bills.length; i++) expect(bills[i]?.totalUsd).toBeGreaterThanOrEqual(bills[i - 1]?.totalUsd ?? 0);
  });

  it('gives every line a price and a source', () => {
    for (const line of bills.flatMap((b) => b.lines)) {
      expect(line.price).toMatch(/USD/);
      expect(line.source.length).toBeGreaterThan(10);
    }
  });

  it('keeps alert publishes within the budget however many failures', () => {
    const perMonth = (30 * 86_400) / 600;
    const alerts = bills.at(-1)?.lines.find((l) => l.item.startsWith('alerts: publishes'));
    // Lines are rounded to 4 decimals.
    expect(alerts?.usd).toBeLessThanOrEqual((perMonth * 11 * 0.5) / 1e6 + 0.0001);
  });
});
