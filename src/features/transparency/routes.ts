import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { addTransparencyDashboardMetrics } from './dashboardMetrics.ts'
import { can } from '../../platform/auth/permissions.ts'
import { z } from 'zod'
import { requirePermission } from '../../platform/http/auth.ts'
import { notFound } from '../../platform/http/errors.ts'
import { formErrors } from '../../platform/http/forms.ts'
import { t } from '../../platform/i18n/i18n.ts'
import type { Services } from '../../services.ts'
import type { RegisterEntry } from '../register/model.ts'
import {
  ATRS_FIELDS, type AtrsField, type AtrsFields, bySection, type FieldCheck, fieldByKey, isRequired, ORGANISATION_FIELD_KEYS, sectionsFor,
} from './atrs.ts'
import { FieldsRefused, isEditable, isWelshField, PUBLISHABLE_STAGES, RecordRefused, StaleRecordError, type WorkingRecord } from './service.ts'
import { itemCount, type RecordField, STANDARD_VERSIONS, standardFor } from './standard.ts'

type Params = { id: string }
type Body = Record<string, unknown>

/**
 * ATRS fields grouped by the standard's sections, in order, with their base keys (a repeated
 * specification's fields once): for the public page. Without a version, every field we know
 * (every version's, once per key); with one, that version's layout and words.
 */
export function fieldSections(version?: string) {
  const sections: { title: string; fields: AtrsField[] }[] = []
  if (version === undefined) {
    for (const f of ATRS_FIELDS) {
      const last = sections[sections.length - 1]
      if (last && last.title === f.section) last.fields.push(f)
      else sections.push({ title: f.section, fields: [f] })
    }
    return sections
  }
  for (const s of standardFor(version).sections) {
    const fields = s.fields.filter((f) => f.type !== 'system' && f.sameAs === undefined).map((f): AtrsField => ({
      ...fieldByKey(f.key)!, label: t(`atrs.field.${f.words}`), hint: t(`atrs.field.${f.words}.hint`), required: f.required, tier: f.tier,
      type: f.type, options: f.options, group: f.group, section: t(`atrs.section.${s.words}`),
    }))
    if (fields.length) sections.push({ title: t(`atrs.section.${s.words}`), fields })
  }
  return sections
}

/** A problem as the form says it: the field's own message. */
export function problemText(p: FieldCheck): string {
  const fromOrganisation = ORGANISATION_FIELD_KEYS.includes(p.key)
  if (fromOrganisation && (p.problem === 'missing' || p.problem === 'invalid')) return t(`transparency.errors.organisation.${p.problem}`, { field: p.label })
  return t(`transparency.errors.${p.problem}`, { field: p.label })
}

/** One field of the form, ready for its govuk component. */
interface FormField {
  kind: 'organisation' | 'text' | 'long' | 'select' | 'radios' | 'url' | 'email'
  name: string
  ref: string
  label: string
  hint: string
  required: boolean
  value: string
  error?: string
  redacted?: string
  items?: { value: string; text: string; checked?: boolean; selected?: boolean }[]
}

function formField(f: RecordField, values: AtrsFields, errors: Record<string, string>, redactions: Record<string, string>): FormField {
  const value = values[f.name] ?? ''
  const required = isRequired(f, values)
  const base = {
    name: f.name, ref: f.ref, label: f.label, hint: f.hint, required, value, error: errors[f.name], redacted: redactions[f.name],
  }
  if (f.from === 'organisation' || ORGANISATION_FIELD_KEYS.includes(f.key)) return { ...base, kind: 'organisation' }
  if (f.type === 'radios' || f.type === 'select') {
    const options = [...(f.options ?? [])]
    // A value from before the field had options (or from an import) is kept and shown, so nothing typed is lost; saving asks for an option.
    if (value && !options.includes(value)) options.push(value)
    const items = options.map((o) => f.type === 'radios' ? { value: o, text: o, checked: o === value } : { value: o, text: o, selected: o === value })
    return { ...base, kind: f.type, items: f.type === 'select' ? [{ value: '', text: t('transparency.record.choose') }, ...items] : items }
  }
  return { ...base, kind: f.type === 'system' ? 'text' : f.type }
}

/** The form's sections: every section of the record's version, each repeated item apart, with add and remove. */
function formSections(record: WorkingRecord, values: AtrsFields, errors: Record<string, string>) {
  const std = standardFor(record.standardVersion)
  const sections = sectionsFor(values, record.standardVersion)
  const out = []
  for (const s of std.sections) {
    const mine = sections.filter((x) => x.id === s.id || x.id.startsWith(`${s.id}-`))
    const count = s.repeat ? itemCount(s, values) : 0
    const shown = Math.max(count, s.repeat?.min ?? 0)
    for (const x of mine) {
      out.push({
        id: x.id, title: x.title, tier: x.tier, item: x.item,
        removable: s.repeat !== undefined && x.item !== undefined && shown > s.repeat.min && x.item <= count,
        fields: x.fields.map((f) => formField(f, values, errors, record.redactions)),
      })
    }
    if (s.repeat) {
      out.push({
        id: `${s.id}-add`, addSection: s.id, count: shown, canAdd: shown < s.repeat.max,
        title: t(`atrs.section.${s.words}`), fields: [],
      })
    }
  }
  return out
}

const versionInput = z.coerce.number().int().positive().max(2 ** 31 - 1)

/** The form's text fields: only strings, only fields of the record's version people write. */
function readFields(body: Body, version: string): { values: AtrsFields; errors: Record<string, string> } {
  const values: AtrsFields = {}
  const errors: Record<string, string> = {}
  for (const [key, v] of Object.entries(body)) {
    if (!isEditable(key, version)) continue
    if (typeof v !== 'string') errors[key] = t('transparency.errors.text')
    else values[key] = v
  }
  return { values, errors }
}

export function transparencyRoutes(app: FastifyInstance, services: Services): void {
  const { register, transparency } = services
  addTransparencyDashboardMetrics(services.dashboard, transparency)

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
    const errors = opts.errors ?? {}
    const summary = formErrors(errors, (k) => (k === '_form' ? 'main-content' : `field-${k}`))
    const user = reply.request.user
    const canPublish = user ? can(user.roles, 'transparency:publish') : false
    const canReview = user ? can(user.roles, 'transparency:review') : false
    const canEdit = user ? can(user.roles, 'transparency:edit') : false
    // The fields naming the organisation always show the organisation's own values.
    const shown = { ...values, ...Object.fromEntries(ORGANISATION_FIELD_KEYS.map((k) => [k, record.fields[k] ?? ''])) }
    const verdict = user && (canPublish || canReview) ? await transparency.mayPublish(user, record) : null
    return reply.view('transparency/views/edit.njk', {
      pageTitle: t('transparency.edit.title', { name: entry.name }),
      entry, record,
      sections: formSections(record, shown, errors),
      missingBySection: bySection(record.completeness.missing).map((s) => ({ ...s, fields: s.fields.map((f) => ({ ...f, text: problemText(f) })) })),
      notApplicableBySection: bySection(record.completeness.notApplicable),
      versions: STANDARD_VERSIONS.map((v) => ({ value: v, text: t('transparency.record.versionOption', { version: v }), selected: v === record.standardVersion })),
      errors, errorList: summary.errorList, stale: opts.stale,
      canPublish, canReview, canEdit, publishVerdict: verdict,
      approvalCurrent: record.approval?.current ?? false,
      flash: opts.flash,
    })
  }

  const load = async (request: FastifyRequest<{ Params: Params }>) => {
    const user = requirePermission(request, 'transparency:edit')
    const entry = await register.get(user, request.params.id)
    const record = await transparency.recordFor(user, entry.id)
    return { user, entry, record }
  }

  /** Reading the record: its writers, and the reviewers who approve it (they see it read-only). */
  const loadToRead = async (request: FastifyRequest<{ Params: Params }>) => {
    const user = request.user && can(request.user.roles, 'transparency:review') && !can(request.user.roles, 'transparency:edit')
      ? requirePermission(request, 'transparency:review')
      : requirePermission(request, 'transparency:edit')
    const entry = await register.get(user, request.params.id)
    const record = await transparency.recordFor(user, entry.id)
    return { user, entry, record }
  }

  const errorsOf = (problems: FieldCheck[]): Record<string, string> =>
    Object.fromEntries(problems.map((p) => [p.key, problemText(p)]))

  /** The refusal of a review or publication, as the form shows it: the reason, and each field missing. */
  const refusalErrors = (err: RecordRefused): Record<string, string> => {
    const errors: Record<string, string> = { _form: t(err.reason) }
    for (const m of err.missing) errors[m.key] = problemText(m)
    return errors
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
    const { entry, record } = await loadToRead(request)
    if (!record) return reply.redirect(`/register/${entry.id}#transparency`, 303)
    const done = (request.query as Record<string, string>).done
    return render(reply, entry, record, record.fields, {
      flash: done && ['drafted', 'saved', 'published', 'approved', 'welshSaved', 'redacted'].includes(done) ? t(`done.${done}`) : undefined,
    })
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/edit', async (request, reply) => {
    const { user, entry, record } = await load(request)
    if (!record) throw notFound()
    const body = request.body
    const version = versionInput.safeParse(body.version)
    const { values, errors } = readFields(body, record.standardVersion)
    if (!version.success) errors._form = t('register.errors.version')
    // "Add another model" and "Remove this model" save what was typed, then change the items.
    const add = typeof body._add === 'string' && /^[a-z_]{1,60}$/.test(body._add) ? body._add : undefined
    const removeMatch = typeof body._remove === 'string' ? /^([a-z_]+):([1-9]\d?)$/.exec(body._remove) : null
    const remove = removeMatch ? { section: removeMatch[1]!, item: Number(removeMatch[2]) } : undefined
    if (Object.keys(errors).length) {
      reply.code(400)
      return render(reply, entry, record, { ...record.fields, ...values }, { errors })
    }
    try {
      await transparency.update(user, entry.id, version.data!, values, { addItem: add, removeItem: remove })
    } catch (err) {
      if (err instanceof FieldsRefused) {
        reply.code(400)
        return render(reply, entry, record, { ...record.fields, ...values }, { errors: errorsOf(err.problems) })
      }
      if (!(err instanceof StaleRecordError)) throw err
      reply.code(409)
      const current = { ...record, fields: err.current, version: err.version }
      return render(reply, entry, current, { ...err.current, ...values }, { errors: { _form: t('transparency.errors.stale') }, stale: true })
    }
    const anchor = add ? `#${add}-add` : remove ? `#${remove.section}-add` : ''
    return reply.redirect(`/register/${entry.id}/transparency?done=saved${anchor}`, 303)
  })

  /** Follow another version of the standard: the fields stay; what is asked, and the words, change. */
  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/standard', async (request, reply) => {
    const { user, entry, record } = await load(request)
    if (!record) throw notFound()
    const version = versionInput.safeParse(request.body.version)
    const target = typeof request.body.standardVersion === 'string' ? request.body.standardVersion : ''
    const bad = !version.success ? t('register.errors.version') : !STANDARD_VERSIONS.includes(target) ? t('transparency.record.errors.standardVersion') : null
    if (bad) {
      reply.code(400)
      return render(reply, entry, record, record.fields, { errors: { standardVersion: bad } })
    }
    try {
      await transparency.update(user, entry.id, version.data!, {}, { standardVersion: target })
    } catch (err) {
      if (!(err instanceof StaleRecordError)) throw err
      reply.code(409)
      return render(reply, entry, { ...record, fields: err.current, version: err.version }, err.current, { errors: { _form: t('transparency.errors.stale') }, stale: true })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=saved`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/approve', async (request, reply) => {
    const user = requirePermission(request, 'transparency:review')
    const entry = await register.get(user, request.params.id)
    const version = versionInput.safeParse(request.body.version)
    const record = await transparency.recordFor(user, entry.id)
    if (!record) throw notFound()
    if (!version.success) {
      reply.code(400)
      return render(reply, entry, record, record.fields, { errors: { _form: t('register.errors.version') } })
    }
    try {
      await transparency.approve(user, entry.id, version.data)
    } catch (err) {
      if (err instanceof StaleRecordError) {
        reply.code(409)
        return render(reply, entry, record, record.fields, { errors: { _form: t('transparency.record.errors.changedSinceOpened') }, stale: true })
      }
      if (!(err instanceof RecordRefused)) throw err
      reply.code(409)
      return render(reply, entry, record, record.fields, { errors: refusalErrors(err) })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=approved`, 303)
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
      reply.code(409)
      return render(reply, entry, record, record.fields, { errors: refusalErrors(err) })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=published`, 303)
  })

  // ---- Welsh text, field by field ----

  const renderWelsh = (reply: FastifyReply, entry: RegisterEntry, record: WorkingRecord, cy: AtrsFields, errors: Record<string, string> = {}) => {
    const summary = formErrors(errors, (k) => (k === '_form' ? 'main-content' : `cy-${k}`))
    const sections = sectionsFor(record.fields, record.standardVersion).map((s) => ({
      id: s.id, title: s.title,
      fields: s.fields.filter((f) => isWelshField(f.name, record.standardVersion)).map((f) => ({
        name: f.name, ref: f.ref, label: f.label, english: record.fields[f.name] ?? '', value: cy[f.name] ?? '', long: f.type === 'long', error: errors[f.name],
      })),
    })).filter((s) => s.fields.length)
    return reply.view('transparency/views/welsh.njk', {
      pageTitle: t('transparency.welsh.title', { name: entry.name }), entry, record, sections, errors, errorList: summary.errorList,
    })
  }

  app.get<{ Params: Params }>('/register/:id/transparency/welsh', async (request, reply) => {
    const { entry, record } = await load(request)
    if (!record) return reply.redirect(`/register/${entry.id}#transparency`, 303)
    return renderWelsh(reply, entry, record, record.fieldsCy)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/welsh', async (request, reply) => {
    const { user, entry, record } = await load(request)
    if (!record) throw notFound()
    const version = versionInput.safeParse(request.body.version)
    const cy: AtrsFields = {}
    const errors: Record<string, string> = {}
    for (const [name, v] of Object.entries(request.body)) {
      if (!name.startsWith('cy_')) continue
      const key = name.slice(3)
      if (!isWelshField(key, record.standardVersion)) continue
      if (typeof v !== 'string') errors[key] = t('transparency.errors.text')
      else cy[key] = v
    }
    if (!version.success) errors._form = t('register.errors.version')
    if (Object.keys(errors).length) {
      reply.code(400)
      return renderWelsh(reply, entry, record, { ...record.fieldsCy, ...cy }, errors)
    }
    try {
      await transparency.updateWelsh(user, entry.id, version.data!, cy)
    } catch (err) {
      if (err instanceof FieldsRefused) {
        reply.code(400)
        return renderWelsh(reply, entry, record, { ...record.fieldsCy, ...cy }, errorsOf(err.problems))
      }
      if (!(err instanceof StaleRecordError)) throw err
      reply.code(409)
      const fresh = (await transparency.recordFor(user, entry.id))!
      return renderWelsh(reply, entry, fresh, { ...fresh.fieldsCy, ...cy }, { _form: t('transparency.errors.stale') })
    }
    return reply.redirect(`/register/${entry.id}/transparency?done=welshSaved`, 303)
  })

  // ---- Withholding a field, with the reason ----

  const renderRedactions = (reply: FastifyReply, entry: RegisterEntry, record: WorkingRecord,
    typed: { field: string; reason: string } = { field: '', reason: '' }, errors: Record<string, string> = {}) => {
    const summary = formErrors(errors, (k) => (k === '_form' ? 'main-content' : k))
    const fields = sectionsFor(record.fields, record.standardVersion).flatMap((s) => s.fields
      .filter((f) => isEditable(f.name, record.standardVersion) && !['title', 'name', 'one_sentence_description', 'phase'].includes(f.key))
      .map((f) => ({ value: f.name, text: `${f.ref} ${f.label}${f.item ? ` (${s.title})` : ''}`, selected: f.name === typed.field })))
    const current = Object.entries(record.redactions).map(([key, reason]) => ({
      key, label: fieldByKey(key)?.label ?? key, ref: fieldByKey(key)?.ref ?? '', reason,
      // Withheld under another version of the standard: kept (it holds if the record moves back) but not published now.
      notInVersion: !isEditable(key, record.standardVersion),
    }))
    return reply.view('transparency/views/redactions.njk', {
      pageTitle: t('transparency.redactions.title', { name: entry.name }), entry, record, current,
      fieldItems: [{ value: '', text: t('transparency.record.choose') }, ...fields], typed, errors, errorList: summary.errorList,
    })
  }

  app.get<{ Params: Params }>('/register/:id/transparency/redactions', async (request, reply) => {
    const { entry, record } = await load(request)
    if (!record) return reply.redirect(`/register/${entry.id}#transparency`, 303)
    return renderRedactions(reply, entry, record)
  })

  app.post<{ Params: Params; Body: Body }>('/register/:id/transparency/redactions', async (request, reply) => {
    const { user, entry, record } = await load(request)
    if (!record) throw notFound()
    const body = request.body
    const version = versionInput.safeParse(body.version)
    const field = typeof body.field === 'string' ? body.field : ''
    const reason = typeof body.reason === 'string' ? body.reason : ''
    const removing = body._action === 'remove'
    const errors: Record<string, string> = {}
    if (!version.success) errors._form = t('register.errors.version')
    if (!isEditable(field, record.standardVersion) && !(removing && field in record.redactions)) errors.field = t('transparency.redactions.errors.field')
    if (!removing && reason.trim() === '' && !errors.field) errors.reason = t('transparency.errors.redactionReason', { field: fieldByKey(field)?.label ?? '' })
    if (Object.keys(errors).length) {
      reply.code(400)
      return renderRedactions(reply, entry, record, { field, reason }, errors)
    }
    try {
      await transparency.setRedaction(user, entry.id, version.data!, field, removing ? null : reason)
    } catch (err) {
      if (err instanceof FieldsRefused) {
        reply.code(400)
        const p = err.problems[0]!
        return renderRedactions(reply, entry, record, { field, reason },
          p.problem === 'notAnOption' ? { field: t('transparency.redactions.errors.field') } : { reason: problemText(p) })
      }
      if (!(err instanceof StaleRecordError)) throw err
      reply.code(409)
      const fresh = (await transparency.recordFor(user, entry.id))!
      return renderRedactions(reply, entry, fresh, { field, reason }, { _form: t('transparency.errors.stale') })
    }
    return reply.redirect(`/register/${entry.id}/transparency/redactions?done=redacted`, 303)
  })
}
