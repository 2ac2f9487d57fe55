import type { FastifyInstance, FastifyReply } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import type { CurrentUser } from '../../platform/auth/store.ts'
import { requirePermission } from '../../platform/http/auth.ts'
import { notFound } from '../../platform/http/errors.ts'
import { dateFromParts, formErrors, parseWith } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import { policyDocx, policyPdf } from './documents.ts'
import { approvalInput, CHANGE_KINDS, policyTextInput, type PolicyVersion, publishInput, returnInput } from './model.ts'
import { placeholderLabel, type Placeholder } from './render.ts'
import { PolicyRefused, type PublishedPolicy, StaleDraftError } from './service.ts'
import { staffPolicyRoutes } from './staffRoutes.ts'

type Body = Record<string, unknown>
type Params = { id: string }

/** A form field as one string ('' when missing, null when it is not one piece of text). */
const text = (v: unknown): string | null => (v === undefined ? '' : typeof v === 'string' ? v : null)

const DONE = ['adopted', 'saved', 'submitted', 'approved', 'returned', 'published', 'revised', 'madePublic', 'madePrivate'] as const

const flashFrom = (query: unknown) => {
  const done = (query as Record<string, unknown> | undefined)?.done
  return typeof done === 'string' && (DONE as readonly string[]).includes(done) ? t(`policies.done.${done}`) : undefined
}

const positiveInt = (v: unknown): number | null => (typeof v === 'string' && /^[1-9][0-9]{0,8}$/.test(v) ? Number(v) : null)

const unsetList = (unset: Placeholder[]) => unset.map((p) => placeholderLabel(p))

async function sendDocument(reply: FastifyReply, p: PublishedPolicy, kind: 'pdf' | 'docx') {
  const name = `${p.policy.slug}-v${p.version.label ?? p.version.number}.${kind}`
  const body = kind === 'pdf' ? await policyPdf(p) : await policyDocx(p)
  return reply
    .type(kind === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(body)
}

export function policyRoutes(app: FastifyInstance, services: Services): void {
  const { policies, organisations } = services
  // The staff side: policies in force, acknowledging, the home panel, coverage (staffRoutes.ts).
  staffPolicyRoutes(app, services)

  // The organisation's public page lists its public policies.
  services.transparency.publicOrganisationPanels.add({
    id: 'policies',
    order: 10,
    template: 'policies/views/_public-organisation.njk',
    load: async (organisation) => {
      const found = await policies.publicList(organisation.slug)
      return found ? { organisationSlug: organisation.slug, policies: found.policies.map((p) => ({ slug: p.policy.slug, title: p.version.title, label: p.version.label, effectiveDate: p.version.effectiveDate })) } : null
    },
  })

  // --- the list, adopting a template, the settings ---------------------------------------------

  app.get('/policies', async (request, reply) => {
    const user = requirePermission(request, 'policy:read')
    const [list, org] = await Promise.all([policies.list(user), organisations.get(user.organisationId)])
    return reply.view('policies/views/list.njk', {
      pageTitle: t('policies.list.title'),
      policies: list,
      templates: can(user.roles, 'policy:edit') ? policies.templates() : [],
      canEdit: can(user.roles, 'policy:edit'),
      canManage: can(user.roles, 'organisation:manage'),
      org,
      flash: flashFrom(request.query),
    })
  })

  app.post<{ Body: Body }>('/policies', async (request, reply) => {
    const user = requirePermission(request, 'policy:edit')
    const choice = text(request.body.template)
    if (!choice || (choice !== 'blank' && !policies.template(choice))) {
      const [list, org] = await Promise.all([policies.list(user), organisations.get(user.organisationId)])
      const errors = formErrors({ template: t('policies.errors.template') }, () => 'template')
      return reply.code(400).view('policies/views/list.njk', {
        pageTitle: t('policies.list.title'), policies: list, templates: policies.templates(), canEdit: true,
        canManage: can(user.roles, 'organisation:manage'), org, errors: errors.fields, errorList: errors.errorList,
      })
    }
    const policy = await policies.adopt(user, choice === 'blank' ? null : choice)
    return reply.redirect(`/policies/${policy.id}/edit?done=adopted`, 303)
  })

  // The organisation's settings page holds the people policies name and who approves them.
  app.get('/policies/settings', async (request, reply) => {
    requirePermission(request, 'organisation:manage')
    return reply.redirect('/settings#policies', 303)
  })

  // --- one policy --------------------------------------------------------------------------------

  interface ShowOptions {
    errors?: Record<string, string>
    values?: Record<string, unknown>
    flash?: string | undefined
  }

  const renderShow = async (reply: FastifyReply, user: CurrentUser, id: string, opts: ShowOptions = {}) => {
    const detail = await policies.get(user, id)
    const { inForce, working } = detail
    const shown = working ?? inForce
    const rendered = inForce ? await policies.rendered(user, inForce) : null
    const workingRendered = working ? await policies.rendered(user, working) : null
    const approval = working?.status === 'submitted' && can(user.roles, 'policy:approve') ? await policies.approvalRefusal(user, working) : null
    const summary = formErrors(opts.errors ?? {}, (f) => (f === '_form' ? 'actions' : f === 'effectiveDate' || f === 'reviewDate' ? `${f}-day` : f))
    return reply.view('policies/views/show.njk', {
      pageTitle: detail.title,
      detail, shown, rendered, workingRendered,
      panels: await policies.policyPagePanels.signedIn.load(user, detail),
      unset: unsetList(workingRendered?.unset ?? []),
      canEdit: can(user.roles, 'policy:edit'),
      canPublish: can(user.roles, 'policy:publish'),
      canApprove: working?.status === 'submitted' && can(user.roles, 'policy:approve') && approval === null,
      approvalRefusal: working?.status === 'submitted' && can(user.roles, 'policy:approve') ? approval : null,
      changeKinds: CHANGE_KINDS,
      values: opts.values ?? {},
      errors: opts.errors ?? {},
      errorList: summary.errorList,
      flash: opts.flash,
    })
  }

  /** A refusal of a lifecycle step: the policy page again, saying why (409). */
  const refused = (reply: FastifyReply, user: CurrentUser, id: string, err: unknown) => {
    if (!(err instanceof PolicyRefused)) throw err
    return renderShow(reply.code(409), user, id, { errors: { _form: t(err.reason) } })
  }

  app.get<{ Params: Params }>('/policies/:id', async (request, reply) => {
    const user = requirePermission(request, 'policy:read')
    return renderShow(reply, user, request.params.id, { flash: flashFrom(request.query) })
  })

  interface EditValues {
    title: string
    body: string
    /** The revision of the draft this text was started from (kept through Preview). */
    revision: string
  }

  const renderEdit = async (reply: FastifyReply, user: CurrentUser, id: string, opts: { values?: EditValues; errors?: Record<string, string>; preview?: boolean; flash?: string | undefined; stale?: PolicyVersion } = {}) => {
    const detail = await policies.get(user, id)
    const draft = detail.working
    if (!draft || draft.status !== 'draft') return reply.redirect(`/policies/${id}`, 303)
    const values = opts.values ?? { title: draft.title, body: draft.body, revision: String(draft.revision) }
    const preview = opts.preview ? await policies.preview(user, values.body) : await policies.preview(user, draft.body)
    const summary = formErrors(opts.errors ?? {}, (f) => (f === '_form' ? 'stale-text' : f))
    return reply.view('policies/views/edit.njk', {
      pageTitle: t('policies.edit.title', { title: detail.title }),
      detail, draft, values, previewHtml: opts.preview ? preview.html : null, unset: unsetList(preview.unset), stale: opts.stale ?? null,
      placeholders: ['council_name', 'siro', 'dpo_contact', 'ai_lead', 'board_name'].map((p) => ({ code: `{{${p}}}`, label: placeholderLabel(p as Placeholder) })),
      errors: opts.errors ?? {}, errorList: summary.errorList, flash: opts.flash,
    })
  }

  app.get<{ Params: Params }>('/policies/:id/edit', async (request, reply) => {
    const user = requirePermission(request, 'policy:edit')
    return renderEdit(reply, user, request.params.id, { flash: flashFrom(request.query) })
  })

  app.post<{ Params: Params; Body: Body }>('/policies/:id/edit', async (request, reply) => {
    const user = requirePermission(request, 'policy:edit')
    const { id } = request.params
    const title = text(request.body.title)
    const body = text(request.body.body)
    const errors: Record<string, string> = {}
    if (title === null) errors.title = t('policies.errors.title')
    if (body === null) errors.body = t('policies.errors.body')
    const revisionField = text(request.body.revision)
    const values = { title: title ?? '', body: (body ?? '').replace(/\r\n/g, '\n'), revision: revisionField ?? '' }
    const parsed = parseWith(policyTextInput, { title: values.title, body: values.body })
    if (!parsed.ok) Object.assign(errors, parsed.errors.fields, errors)
    // The Preview button: the same page, the text kept, its rendering shown; nothing saved.
    if (request.body.action === 'preview') {
      return renderEdit(reply.code(Object.keys(errors).length ? 400 : 200), user, id, { values, errors, preview: true })
    }
    if (Object.keys(errors).length || !parsed.ok) return renderEdit(reply.code(400), user, id, { values, errors })
    try {
      await policies.saveDraft(user, id, parsed.data, positiveInt(revisionField))
    } catch (err) {
      if (!(err instanceof StaleDraftError)) return refused(reply, user, id, err)
      // Someone saved in between: keep this person's typing, show the text stored now, and carry
      // its revision so a deliberate second save (after merging by hand) goes through.
      return renderEdit(reply.code(409), user, id, {
        values: { ...values, revision: String(err.current.revision) },
        errors: { _form: t('policies.errors.stale') },
        stale: err.current,
      })
    }
    return reply.redirect(`/policies/${id}?done=saved`, 303)
  })

  /** A lifecycle step with no fields: run it, or show the refusal. */
  const step = (path: string, permission: 'policy:edit' | 'policy:approve' | 'policy:publish', done: typeof DONE[number],
    act: (user: CurrentUser, id: string) => Promise<unknown>) => {
    app.post<{ Params: Params }>(`/policies/:id/${path}`, async (request, reply) => {
      const user = requirePermission(request, permission)
      try {
        await act(user, request.params.id)
      } catch (err) {
        return refused(reply, user, request.params.id, err)
      }
      return reply.redirect(`/policies/${request.params.id}?done=${done}`, 303)
    })
  }
  step('submit', 'policy:edit', 'submitted', (user, id) => policies.submit(user, id))
  step('revise', 'policy:edit', 'revised', (user, id) => policies.revise(user, id))

  app.post<{ Params: Params; Body: Body }>('/policies/:id/approve', async (request, reply) => {
    const user = requirePermission(request, 'policy:approve')
    const { id } = request.params
    const parsed = parseWith(approvalInput, { changeKind: request.body.changeKind })
    if (!parsed.ok) return renderShow(reply.code(400), user, id, { errors: parsed.errors.fields, values: { changeKind: request.body.changeKind } })
    try {
      await policies.approve(user, id, parsed.data.changeKind)
    } catch (err) {
      return refused(reply, user, id, err)
    }
    return reply.redirect(`/policies/${id}?done=approved`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/policies/:id/return', async (request, reply) => {
    const user = requirePermission(request, 'policy:approve')
    const { id } = request.params
    const comments = text(request.body.comments)
    const parsed = parseWith(returnInput, { comments })
    if (!parsed.ok) return renderShow(reply.code(400), user, id, { errors: parsed.errors.fields, values: { comments: comments ?? '' } })
    try {
      await policies.returnToDraft(user, id, parsed.data.comments)
    } catch (err) {
      return refused(reply, user, id, err)
    }
    return reply.redirect(`/policies/${id}?done=returned`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/policies/:id/publish', async (request, reply) => {
    const user = requirePermission(request, 'policy:publish')
    const { id } = request.params
    const b = request.body
    const values: Record<string, unknown> = {}
    for (const f of ['effectiveDate', 'reviewDate']) for (const p of ['day', 'month', 'year']) values[`${f}-${p}`] = text(b[`${f}-${p}`]) ?? ''
    const parsed = parseWith(publishInput, { effectiveDate: dateFromParts(values, 'effectiveDate'), reviewDate: dateFromParts(values, 'reviewDate') })
    if (!parsed.ok) return renderShow(reply.code(400), user, id, { errors: parsed.errors.fields, values })
    try {
      await policies.publish(user, id, parsed.data)
    } catch (err) {
      return refused(reply, user, id, err)
    }
    return reply.redirect(`/policies/${id}?done=published`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/policies/:id/public', async (request, reply) => {
    const user = requirePermission(request, 'policy:publish')
    const { id } = request.params
    const on = request.body.public === 'yes' ? true : request.body.public === 'no' ? false : null
    if (on === null) return renderShow(reply.code(400), user, id, { errors: { _form: t('policies.errors.public') } })
    try {
      await policies.setPublic(user, id, on)
    } catch (err) {
      return refused(reply, user, id, err)
    }
    return reply.redirect(`/policies/${id}?done=${on ? 'madePublic' : 'madePrivate'}`, 303)
  })

  app.get<{ Params: Params & { number: string } }>('/policies/:id/versions/:number', async (request, reply) => {
    const user = requirePermission(request, 'policy:read')
    const n = positiveInt(request.params.number)
    if (n === null) throw notFound()
    const { policy, version } = await policies.version(user, request.params.id, n)
    const rendered = await policies.rendered(user, version)
    return reply.view('policies/views/version.njk', { pageTitle: `${version.title} (${version.label ?? n})`, policy, version, rendered })
  })

  app.get<{ Params: Params }>('/policies/:id/compare', async (request, reply) => {
    const user = requirePermission(request, 'policy:read')
    const q = (request.query ?? {}) as Record<string, unknown>
    const detail = await policies.get(user, request.params.id)
    const numbers = detail.versions.map((v) => v.number)
    const newest = numbers[0] ?? 1
    const from = q.from === undefined ? (numbers[1] ?? newest) : positiveInt(q.from)
    const to = q.to === undefined ? newest : positiveInt(q.to)
    const errors: Record<string, string> = {}
    if (from === null || !numbers.includes(from)) errors.from = t('policies.errors.compareVersion')
    if (to === null || !numbers.includes(to)) errors.to = t('policies.errors.compareVersion')
    const comparison = Object.keys(errors).length ? null : await policies.compare(user, request.params.id, from!, to!)
    if (!comparison) reply.code(400)
    const items = (selected: number | null) => detail.versions.map((v) => ({
      value: String(v.number), text: `${v.number}${v.label ? ` (${v.label})` : ''} – ${t(`policies.status.${v.status}`)}`, selected: v.number === selected,
    }))
    return reply.view('policies/views/compare.njk', {
      pageTitle: t('policies.compare.title', { title: detail.title }),
      detail, comparison, fromItems: items(from), toItems: items(to),
      errors, errorList: formErrors(errors).errorList,
    })
  })

  for (const kind of ['pdf', 'docx'] as const) {
    app.get<{ Params: Params }>(`/policies/:id/document.${kind}`, async (request, reply) => {
      const user = requirePermission(request, 'policy:read')
      const p = await policies.inForce(user, request.params.id)
      if (!p) throw notFound()
      return sendDocument(reply, p, kind)
    })
  }

  // --- public (no sign-in) ------------------------------------------------------------------------

  app.get<{ Params: { organisation: string } }>('/public/:organisation/policies', async (request, reply) => {
    const found = await policies.publicList(request.params.organisation)
    if (!found) throw notFound()
    return reply.view('policies/views/public-list.njk', { pageTitle: t('policies.public.listTitle', { organisation: found.organisation.name }), publicPage: true, ...found })
  })

  app.get<{ Params: { organisation: string; policy: string } }>('/public/:organisation/policies/:policy', async (request, reply) => {
    const p = await policies.publicPolicy(request.params.organisation, request.params.policy)
    if (!p) throw notFound()
    return reply.view('policies/views/public-show.njk', { pageTitle: p.version.title, publicPage: true, p, panels: await policies.policyPagePanels.public.load(p) })
  })

  for (const kind of ['pdf', 'docx'] as const) {
    app.get<{ Params: { organisation: string; policy: string } }>(`/public/:organisation/policies/:policy/document.${kind}`, async (request, reply) => {
      const p = await policies.publicPolicy(request.params.organisation, request.params.policy)
      if (!p) throw notFound()
      return sendDocument(reply, p, kind)
    })
  }
}
