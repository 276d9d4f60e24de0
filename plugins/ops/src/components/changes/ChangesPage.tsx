import { Route, Routes, useSearchParams } from 'react-router-dom';
import {
  Content,
  ContentHeader,
  Header,
  LinkButton,
  Page,
  SupportButton,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { ChangeCalendar } from './ChangeCalendar';
import { ChangeRequestDetailView } from './ChangeRequestDetailView';
import { ChangeRequestForm } from './ChangeRequestForm';
import { ChangeRequestsList } from './ChangeRequestsList';
import { useChangesLinks } from './useChangesLinks';

function ChangesHome() {
  const links = useChangesLinks();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'calendar' ? 'calendar' : 'list';
  return (
    <Content>
      <ContentHeader title="Change requests">
        <LinkButton to={links.create()} variant="contained" color="primary">
          New change request
        </LinkButton>
        <SupportButton>
          Standard changes are pre-approved, normal changes need approval,
          emergency changes start at once and are reviewed afterwards.
        </SupportButton>
      </ContentHeader>
      <Tabs
        value={view}
        onChange={(_e, next) =>
          setParams(next === 'calendar' ? { view: 'calendar' } : {}, {
            replace: true,
          })
        }
        indicatorColor="primary"
        aria-label="Change request views"
      >
        <Tab
          value="list"
          label="List"
          id="changes-tab-list"
          aria-controls="changes-panel"
        />
        <Tab
          value="calendar"
          label="Calendar"
          id="changes-tab-calendar"
          aria-controls="changes-panel"
        />
      </Tabs>
      <Box
        mt={2}
        id="changes-panel"
        role="tabpanel"
        aria-labelledby={`changes-tab-${view}`}
      >
        {view === 'calendar' ? <ChangeCalendar /> : <ChangeRequestsList />}
      </Box>
    </Content>
  );
}

/**
 * The change management page: list and calendar, the form, and each change
 * request's detail page.
 */
export function ChangesPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Change management"
        subtitle="Standard, normal and emergency changes, maintenance windows and freezes"
      />
      <Routes>
        <Route path="/" element={<ChangesHome />} />
        <Route path="/new" element={<ChangeRequestForm mode="create" />} />
        <Route path="/:id" element={<ChangeRequestDetailView />} />
        <Route path="/:id/edit" element={<ChangeRequestForm mode="edit" />} />
      </Routes>
    </Page>
  );
}
