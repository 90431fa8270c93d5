/**
 * The policy simulation (政策模拟) in the browser: a department head opens it from the
 * console's navigation, drafts "独居 and 70+ in 西湖区, 200 元/月" beside "独居 and 80+ in
 * 西湖区, 300 元/月", and reads for each draft the count now and a year on and the yearly cost
 * exactly as the API answers for the same drafts, with each draft's districts and age bands.
 * A clerk has no link to it and gets no simulation.
 */
import { expect, staffSignIn, test, waitForHydration } from './support';

type Count = { exact: number } | 'fewer_than_ten';
type Cost = { exact: number } | { below: number };
type Projection = { on: string; count: Count; yearly_cost: Cost };
type Outcome = { now: Projection; in_a_year: Projection };

const count = (c: Count): string => (c === 'fewer_than_ten' ? '< 10' : String(c.exact));
const grouped = (n: number): string => n.toLocaleString('en-US');
const cost = (c: Cost): string => ('exact' in c ? grouped(c.exact) : `< ${grouped(c.below)}`);

test('a head compares two drafted policies and reads what the API counts', async ({ openPage }) => {
  const head = await openPage();
  await staffSignIn(head, 'mz_head');
  await waitForHydration(head);
  const nav = head.getByRole('navigation', { name: '工作台导航' });
  await nav.getByRole('link', { name: '政策模拟', exact: true }).click();
  await expect(head).toHaveURL(/\/admin\/simulation$/);
  await expect(head.getByTestId('simulation-results')).toContainText('填写方案 A 的条件和金额');

  const drafts: [string, number, number][] = [
    ['A', 70, 200],
    ['B', 80, 300],
  ];
  for (const [letter, age, amount] of drafts) {
    const draft = head.getByTestId(`simulation-draft-${letter}`);
    await draft.getByLabel('年龄不小于').fill(String(age));
    await draft.getByLabel('独居（户内无其他成员）').check();
    await draft.getByLabel('居住地区').selectOption({ label: '西湖区' });
    await draft.getByLabel('每人每月补贴（元）').fill(String(amount));
  }
  await head.getByRole('button', { name: '开始模拟' }).click();
  await expect(head).toHaveURL(/a_age_min=70.*b_age_min=80/);

  const xihu = await head.getByTestId('simulation-draft-A').getByLabel('居住地区').inputValue();
  const rule = (age: number) => ({
    all: [
      { is: { kind: 'age', min: age, max: null } },
      { is: { kind: 'lives_alone' } },
      { is: { kind: 'region', region_id: Number(xihu) } },
    ],
  });
  const response = await head.request.post('/api/v1/staff/simulations', {
    data: { drafts: drafts.map(([, age, amount]) => ({ rule: rule(age), monthly_amount: amount })) },
  });
  expect(response.status()).toBe(200);
  const outcomes: Outcome[] = (await response.json()).outcomes;
  expect(outcomes).toHaveLength(2);

  const compare = head.getByTestId('simulation-compare');
  await expect(compare.getByTestId('simulation-now')).toHaveText(outcomes.map((o) => count(o.now.count)));
  await expect(compare.getByTestId('simulation-later')).toHaveText(outcomes.map((o) => count(o.in_a_year.count)));
  await expect(compare.getByTestId('simulation-cost-now')).toHaveText(outcomes.map((o) => cost(o.now.yearly_cost)));
  await expect(compare.getByTestId('simulation-cost-later')).toHaveText(
    outcomes.map((o) => cost(o.in_a_year.yearly_cost)),
  );
  await expect(compare).toContainText(`${outcomes[0].in_a_year.on} 符合条件`);
  // Each draft's districts (only 西湖区) and its six age bands, now beside a year on.
  for (const [letter] of drafts) {
    await expect(head.getByTestId(`simulation-districts-${letter}`).locator('tbody tr')).toHaveText([/^西湖区/]);
    await expect(head.getByTestId(`simulation-ages-${letter}`).locator('tbody tr')).toHaveCount(6);
  }
  await expect(head.getByTestId('simulation-assumptions').locator('li')).toHaveCount(3);

  // Draft A opens in the segment builder with its conditions, counting the same residents.
  await head.getByTestId('simulation-segment-A').click();
  await expect(head).toHaveURL(new RegExp(`/admin/segments\\?combine=all&age_min=70&region=${xihu}&lives_alone=on$`));
  await expect(head.getByTestId('segment-count')).toHaveText(count(outcomes[0].now.count));
});

test('a clerk has no simulation', async ({ openPage }) => {
  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  await waitForHydration(clerk);
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '政策模拟', exact: true })).toHaveCount(0);
  await clerk.goto('/admin/simulation?a_lives_alone=on&a_amount=100');
  await expect(clerk.getByTestId('simulation-compare')).toHaveCount(0);
  await expect(clerk.locator('main [role="alert"]').first()).toBeVisible();
});
