import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../platform/auth/permissions.ts'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { RegisterEntry } from '../register/model.ts'
import { ATRS_FIELDS, type AtrsFields, ORGANISATION_FIELD_KEYS } from './atrs.ts'
import { PUBLISHABLE_STAGES, RecordRefused, StaleRecordError, type WorkingRecord } from './service.ts'

type Params = { id: string }
type Body = Record<string, unknown>

const MAX_FIELD = 20000

/** ATRS fields grouped by the standard's sections, in order, for the form and the public page. */
export function fieldSections() {
  const sections: { title: string; fields: typeof ATRS_FIELDS[number][] }[] = []
  for (const f of ATRS_FIELDS) {
    const last = sections[sections.length - 1]
    if (last && last.title === f.section) last.fields.push(f)
    else sections.push({ title: f.section, fields: [f] })
  }
  return sections
}

export function transparencyRoutes(app: FastifyInstance, services: Services): void {
  const { register, transparency } = services

  register.extensions.entryPanels.add({
    id: 'transparency',
    order: 30,
    template: 'transparency/views/_record.njk',
    load: async (user, entry) => ({
      record: await transparency.recordFor(user, entry.id),
      canEdit: can(user.roles, 'transparency:edit'),
      draftable: PUBLISHABLE_STAGES.includes(entry.stage),
    }),
  })
  services.assessments.resultsPanels.add({
    id: 'atrs',
    order: 10,
    template: 'transparency/views/_answers.njk',
    load: async (user, entry) => ({ linked: await transparency.linkedFields(user, entry.id) }),
  })

  const render = async (reply: FastifyReply, entry: RegisterEntry, record: WorkingRecord, values: AtrsFields,
    opts: { errors?: Record<string, string>; stale?: boolean; flash?: string } = {}) => {
    const summary = formErrors(opts.errors ?? {}, (k) => (k === '_form' ? 'main-content' : `field-${k}`))
    const user = reply.request.user
    const canPublish = user ? can(user.roles, 'transparency:publish') : false
    return reply.view('transparency/views/edit.njk', {
      pageTitle: t('transparency.edit.title', { name: entry.name }),
      entry, record,
      // The fields naming the organisation always show the organisation's own values.
      values: { ...values, ...Object.fromEntries(ORGANISATION_FIELD_KEYS.map((k) => [k, record.fields[k] ?? ''])) },
      sections: fieldSections(), organisationKeys: ORGANISATION_FIELD_KEYS,
      errors: opts.errors ?? {}, errorList: summary.errorList, stale: opts.stale,
      canPublish,
      publishVerdict: canPublish && user ? await transparency.mayPublish(user, record) : null,
      flash: opts.flash,
    })
  }

  const load = async (request: FastifyRequest<{ Params: Params }>) => {
    const user = requirePermission(request, 'transparency:edit')
    const entry = await register.get(user, request.params.id)
    const record = await transparency.recordFor(user, entry.id)
    return { user, entry, record }
  }

  app.post<{ Params: Params }>('/register/:id/transparency', async (request, reply) => {
    const { user, entry } = await load(request)
    try {
      await transparency.createDraft(user, entry.id)
    } catch (err) {
      if (err instanceof RecordRefused) return reply.redirect(`/register/${entry.id}?refused=lifecycle.needsApproval`, 303)
      throw err
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=drafted`, 303)
  })

  app.get<{ Params: Params }>('/register/:id/transparency', async (request, reply) => {
    const { entry, record } = await load(request)
    if (!record) return reply.redirect(`/register/${entry.id}#transparency`, 303)
    const done = (request.query as Record<string, string>).done
    return render(reply, entry, record, record.fields, {
      flash: done && ['drafted', 'saved', 'published'].includes(done) ? t(`done.${done}`) : undefined,
    })
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/edit', async (request, reply) => {
    const { user, entry, record } = await load(request)
    if (!record) throw notFound()
    const version = z.coerce.number().int().positive().safeParse(request.body.version)
    const values: AtrsFields = {}
    const errors: Record<string, string> = {}
    for (const f of ATRS_FIELDS) {
      if (ORGANISATION_FIELD_KEYS.includes(f.key)) continue // from the organisation's settings, not the form
      const v = request.body[f.key]
      if (v === undefined) continue
      if (typeof v !== 'string') errors[f.key] = t('transparency.errors.text')
      else if (v.length > MAX_FIELD) errors[f.key] = t('register.errors.tooLong')
      else values[f.key] = v
    }
    if (!version.success) errors._form = t('register.errors.version')
    if (Object.keys(errors).length) {
      reply.code(400)
      return render(reply, entry, record, { ...record.fields, ...values }, { errors })
    }
    try {
      await transparency.update(user, entry.id, version.data!, values)
    } catch (err) {
      if (!(err instanceof StaleRecordError)) throw err
      reply.code(409)
      const current = { ...record, fields: err.current, version: err.version }
      return render(reply, entry, current, { ...err.current, ...values }, { errors: { _form: t('transparency.errors.stale') }, stale: true })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=saved`, 303)
  })

  app.post<{ Params: Params }>('/register/:id/transparency/publish', async (request, reply) => {
    const user = requirePermission(request, 'transparency:publish')
    const entry = await register.get(user, request.params.id)
    try {
      await transparency.publish(user, entry.id)
    } catch (err) {
      if (!(err instanceof RecordRefused)) throw err
      const record = await transparency.recordFor(user, entry.id)
      if (!record) return reply.redirect(`/register/${entry.id}#transparency`, 303)
      const errors: Record<string, string> = { _form: t(err.reason) }
      for (const m of err.missing) {
        const fromOrganisation = ORGANISATION_FIELD_KEYS.includes(m.key)
        errors[m.key] = t(`transparency.errors.${fromOrganisation ? 'organisation.' : ''}${m.problem}`, { field: m.label })
      }
      reply.code(409)
      return render(reply, entry, record, record.fields, { errors })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=published`, 303)
  })
}
