import type { Config } from './config.ts'
import type { QuestionSetCatalogue } from './features/assessments/catalogue.ts'
import { createRiskService } from './features/assessments/risks.ts'
import { createAssessmentService } from './features/assessments/service.ts'
import { createHomeService } from './features/home/service.ts'
import { createInterchangeService } from './features/interchange/service.ts'
import { createBoardService } from './features/board/service.ts'
import { createOrganisationService } from './features/organisations/service.ts'
import { createOutboxService } from './features/outbox/service.ts'
import { createPeopleService } from './features/people/service.ts'
import { createPolicyService } from './features/policies/service.ts'
import { createRegisterService } from './features/register/service.ts'
import { createToolsService } from './features/tools/service.ts'
import { createTransparencyService } from './features/transparency/service.ts'
import { createProblemReportService } from './features/transparency/reports.ts'
import { createAuthStore } from './platform/auth/store.ts'
import type { Db } from './platform/db/db.ts'

/** Every feature's service, wired once. Features reach each other only through these. */
export function createServices(db: Db, questionSets: QuestionSetCatalogue, config: Pick<Config, 'sessionTtlHours'> & Partial<Pick<Config, 'signInThrottle' | 'publicBaseUrl'>>) {
  const auth = createAuthStore(db, { sessionTtlHours: config.sessionTtlHours, signInThrottle: config.signInThrottle })
  const organisations = createOrganisationService(db)
  const register = createRegisterService(db)
  const assessments = createAssessmentService(db, questionSets, register)
  const risks = createRiskService(db, register, assessments.answersFor, assessments.notifyChanged)
  const transparency = createTransparencyService(db, register, assessments, organisations)
  const people = createPeopleService(db, { baseUrl: config.publicBaseUrl })
  const policies = createPolicyService(db, organisations, people)
  const board = createBoardService(db, register, assessments, organisations, people, policies)
  const outbox = createOutboxService(db)
  const home = createHomeService()
  const tools = createToolsService(db, register, organisations, people, board)
  const problemReports = createProblemReportService(db, organisations, people, { baseUrl: config.publicBaseUrl })
  const interchange = createInterchangeService(db, { organisations, register, transparency })
  return { auth, organisations, register, assessments, risks, board, transparency, people, outbox, policies, home, tools, problemReports, interchange }
}
export type Services = ReturnType<typeof createServices>
