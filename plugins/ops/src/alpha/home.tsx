import { compatWrapper } from '@backstage/core-compat-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

/*
 * Home page widgets for the new frontend system's `@backstage/plugin-home`
 * page (docs/home.md): the same contents as the legacy card extensions.
 */

/** The signed-in user's on-call shifts, now and in the next four weeks. */
export const myOnCallShiftsWidget = HomePageWidgetBlueprint.make({
  name: 'my-on-call-shifts',
  params: {
    title: 'My on-call shifts',
    description: 'Your on-call shifts now and in the next four weeks',
    layout: { width: { defaultColumns: 6 }, height: { defaultRows: 4 } },
    components: () =>
      import('../components/home').then(m => ({
        Content: () => compatWrapper(<m.MyOnCallShiftsContent />),
      })),
  },
});

/** Change requests awaiting approval that the signed-in user may approve. */
export const myApprovalsWidget = HomePageWidgetBlueprint.make({
  name: 'my-approvals',
  params: {
    title: 'Changes waiting for my approval',
    description: 'Change requests you may approve now',
    layout: { width: { defaultColumns: 6 }, height: { defaultRows: 4 } },
    components: () =>
      import('../components/home').then(m => ({
        Content: () => compatWrapper(<m.MyApprovalsContent />),
      })),
  },
});

/** The signed-in user's open incidents and overdue reviews. */
export const myIncidentsWidget = HomePageWidgetBlueprint.make({
  name: 'my-incidents',
  params: {
    title: 'My open incidents and overdue reviews',
    description: 'Open incidents on your services, and your overdue reviews',
    layout: { width: { defaultColumns: 6 }, height: { defaultRows: 4 } },
    components: () =>
      import('../components/home').then(m => ({
        Content: () => compatWrapper(<m.MyIncidentsContent />),
      })),
  },
});

/** The platform's SLOs by state and the least error budget left. */
export const sloStatusWidget = HomePageWidgetBlueprint.make({
  name: 'slo-status',
  params: {
    title: 'Platform SLO status',
    description: 'SLOs met, at risk, breached and without data',
    layout: { width: { defaultColumns: 6 }, height: { defaultRows: 4 } },
    components: () =>
      import('../components/home').then(m => ({
        Content: () => compatWrapper(<m.SloStatusContent />),
      })),
  },
});
