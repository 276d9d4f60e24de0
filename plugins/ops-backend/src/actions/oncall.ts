import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  EntityOnCall,
  EntityOnCallResponse,
  OnCallPerson,
  OnCallPolicyView,
  RotationView,
} from '@opsportal/plugin-ops-common';
import { entityQuery } from '../oncall/router';
import { parseRequest } from '../lib/validate';
import { OnCallService } from '../oncall';
import {
  asClient,
  entityRefInput,
  freshnessShape,
  userCredentials,
  Zod,
} from './common';

const personShape = (z: Zod) =>
  z.object({
    name: z.string(),
    email: z.string().optional(),
    userEntityRef: z
      .string()
      .optional()
      .describe('The catalog user with the same email, when there is one'),
    url: z.string().optional().describe('Their PagerDuty page'),
  });

const onCallOutput = (z: Zod) => {
  const personOut = personShape(z);
  const handoff = z.object({
    at: z.string().describe('When the handoff happens (ISO 8601)'),
    policy: z.string().optional().describe('Escalation policy name'),
    level: z.number().optional(),
    label: z.string().optional(),
    schedule: z.string().optional(),
    from: personOut.optional().describe('Absent when nobody is on call before'),
    to: personOut,
    override: z.boolean().describe('True when `to` covers by an override'),
  });
  return z.object({
    entityRef: z.string(),
    escalationPolicies: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          url: z.string().optional(),
          services: z
            .array(z.string())
            .describe('The PagerDuty services of the entity paging through it'),
          problem: z.string().optional(),
          levels: z.array(
            z.object({
              level: z.number().describe('1 is paged first'),
              label: z.string().describe('Primary, Secondary, Escalation...'),
              escalateAfterMinutes: z
                .number()
                .describe('Minutes before an unacknowledged page moves on'),
              onCallNow: z.array(
                personOut.extend({
                  schedule: z.string().optional(),
                  shiftStart: z.string().optional(),
                  shiftEnd: z
                    .string()
                    .optional()
                    .describe('Absent for a permanent assignment'),
                  override: z.boolean(),
                  next: personOut
                    .extend({ from: z.string(), override: z.boolean() })
                    .optional()
                    .describe('Who takes over when this shift ends'),
                }),
              ),
            }),
          ),
        }),
      )
      .describe('Every escalation level now, first paged first'),
    services: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        url: z.string().optional(),
        status: z.string().optional(),
        escalationPolicyId: z.string().optional(),
        problem: z.string().optional(),
      }),
    ),
    schedules: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          url: z.string().optional(),
          timeZone: z.string().optional(),
          onCallNow: personOut
            .extend({ until: z.string(), override: z.boolean() })
            .optional(),
          next: personOut
            .extend({ from: z.string(), override: z.boolean() })
            .optional(),
          problem: z.string().optional(),
        }),
      )
      .describe(
        'Schedules the entity names itself (teams), with who is on call now and next',
      ),
    teamServices: z
      .array(
        z.object({
          entityRef: z.string(),
          serviceName: z.string(),
          primaryOnCall: z.array(personOut),
        }),
      )
      .describe("A team's: the services it answers for and who is paged first"),
    nextHandoff: handoff
      .optional()
      .describe('The soonest change of who is on call, at any level'),
    ...freshnessShape(z),
  });
};

type Person = {
  name: string;
  email?: string;
  userEntityRef?: string;
  url?: string;
};

/** A change of who is on call. */
interface Handoff {
  at: string;
  policy?: string;
  level?: number;
  label?: string;
  schedule?: string;
  from?: Person;
  to: Person;
  override: boolean;
}

function person(p: OnCallPerson): Person {
  return {
    name: p.name,
    email: p.email,
    userEntityRef: p.userEntityRef,
    url: p.htmlUrl,
  };
}

/** The escalation policies of an entity, each once, with the services paging through it. */
function policiesOf(data: EntityOnCall) {
  const policies = new Map<
    string,
    { view: OnCallPolicyView; services: string[] }
  >();
  const add = (view: OnCallPolicyView, service?: string) => {
    const known = policies.get(view.id) ?? { view, services: [] };
    if (service && !known.services.includes(service)) {
      known.services.push(service);
    }
    policies.set(view.id, known);
  };
  for (const service of data.services) {
    if (service.escalationPolicy) add(service.escalationPolicy, service.name);
  }
  for (const policy of data.escalationPolicies) add(policy);
  return [...policies.values()];
}

/** Who is on call in a schedule at `at`, and the next person after them. */
function scheduleNow(rotation: RotationView, at: number) {
  const current = rotation.shifts.find(
    shift => Date.parse(shift.start) <= at && Date.parse(shift.end) > at,
  );
  const next = rotation.shifts.find(
    shift =>
      Date.parse(shift.start) > at &&
      (!current || shift.person.id !== current.person.id),
  );
  return { current, next };
}

/**
 * An entity's on-call view as the tool answers it: the escalation policies
 * (those of its PagerDuty services and those it names itself, each once),
 * every level with who is on call now and who comes next, the schedules it
 * names itself, and the soonest handoff of all.
 */
export function onCallAnswer(
  response: EntityOnCallResponse,
  now: Date = new Date(),
) {
  const { data } = response;
  const handoffs: Handoff[] = [];

  const escalationPolicies = policiesOf(data).map(({ view, services }) => ({
    id: view.id,
    name: view.name,
    url: view.htmlUrl,
    services,
    problem: view.problem,
    levels: view.levels.map(level => ({
      level: level.level,
      label: level.label,
      escalateAfterMinutes: level.delayMinutes,
      onCallNow: level.onCall.map(assignment => {
        const next = assignment.next;
        if (next) {
          handoffs.push({
            at: next.start,
            policy: view.name,
            level: level.level,
            label: level.label,
            schedule: assignment.schedule?.name,
            from: person(assignment.person),
            to: person(next.person),
            override: next.override,
          });
        }
        return {
          ...person(assignment.person),
          schedule: assignment.schedule?.name,
          shiftStart: assignment.start,
          shiftEnd: assignment.end,
          override: assignment.override,
          next: next && {
            ...person(next.person),
            from: next.start,
            override: next.override,
          },
        };
      }),
    })),
  }));

  const schedules = data.rotations.map(rotation => {
    const { current, next } = scheduleNow(rotation, now.getTime());
    if (next) {
      handoffs.push({
        at: next.start,
        schedule: rotation.name,
        from: current && person(current.person),
        to: person(next.person),
        override: next.override,
      });
    }
    return {
      id: rotation.id,
      name: rotation.name,
      url: rotation.htmlUrl,
      timeZone: rotation.timeZone,
      onCallNow: current && {
        ...person(current.person),
        until: current.end,
        override: current.override,
      },
      next: next && {
        ...person(next.person),
        from: next.start,
        override: next.override,
      },
      problem: rotation.problem,
    };
  });

  const nextHandoff = handoffs
    .filter(h => Date.parse(h.at) > now.getTime())
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];

  return {
    entityRef: data.entityRef,
    escalationPolicies,
    services: data.services.map(s => ({
      id: s.id,
      name: s.name,
      url: s.htmlUrl,
      status: s.status,
      escalationPolicyId: s.escalationPolicy?.id,
      problem: s.problem,
    })),
    schedules,
    teamServices: data.teamServices.map(t => ({
      entityRef: t.entityRef,
      serviceName: t.serviceName,
      primaryOnCall: t.primary.map(person),
    })),
    nextHandoff,
    fetchedAt: response.fetchedAt,
    stale: response.stale,
    error: response.error,
  };
}

/** `ops:get-on-call`: who is on call for a service or a team. */
export function registerOnCallAction(options: {
  registry: ActionsRegistryService;
  auth: AuthService;
  logger: LoggerService;
  oncall: Pick<OnCallService, 'getEntityOnCall'>;
}) {
  const { registry, auth, logger, oncall } = options;
  registry.register({
    name: 'get-on-call',
    title: 'Who is on call',
    description: [
      'Who is on call right now for a service (catalog component) or a team (catalog group), from PagerDuty as the ops portal last read it.',
      'Answers every escalation level of every escalation policy involved (level 1 is paged first), the people on call at each level with when their shift ends and who takes over, and the next handoff of all.',
      "For a team it also lists the services the team answers for with each one's first responder.",
      'Use it to find whom to page or contact about a service or team; use ops:list-incidents for what is going wrong.',
    ].join(' '),
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: entityRefInput(z, 'a service (component) or a team'),
        }),
      output: onCallOutput,
    },
    action: async ({ input, credentials }) =>
      asClient(logger, async () => {
        const user = userCredentials(auth, credentials);
        const { entityRef } = parseRequest(entityQuery, input, 'input');
        const view = await oncall.getEntityOnCall(entityRef, user);
        return { output: onCallAnswer(view) };
      }),
  });
}
