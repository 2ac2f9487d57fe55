import type { Config } from './config.ts'
import type { QuestionSetCatalogue } from './features/assessments/catalogue.ts'
import { createRiskService } from './features/assessments/risks.ts'
import { createAssessmentService } from './features/assessments/service.ts'
import { createPackService } from './features/assessments/packs/service.ts'
import { createHomeService } from './features/home/service.ts'
import { createHubService } from './features/hub/service.ts'
import { createGuidanceService } from './features/guidance/service.ts'
import { createDashboardService } from './features/dashboard/service.ts'
import { createInterchangeService } from './features/interchange/service.ts'
import { createBoardService } from './features/board/service.ts'
import { createOrganisationService } from './features/organisations/service.ts'
import { createOutboxService } from './features/outbox/service.ts'
import { createPeopleService } from './features/people/service.ts'
import { createPlatformAdminService } from './features/platformAdmin/service.ts'
import { createPolicyService } from './features/policies/service.ts'
import { createRegisterService } from './features/register/service.ts'
import { createToolsService } from './features/tools/service.ts'
import { createTransparencyService } from './features/transparency/service.ts'
import { createUseCaseService } from './features/usecases/service.ts'
import { createMaturityService } from './features/maturity/service.ts'
import { addMaturityBenchmarkMetrics } from './features/maturity/benchmarkMetrics.ts'
import { createBenchmarkService } from './features/benchmark/service.ts'
import { addPolicyBenchmarkMetrics } from './features/policies/benchmarkMetrics.ts'
import { addBoardBenchmarkMetrics } from './features/board/benchmarkMetrics.ts'
import { addTransparencyBenchmarkMetrics } from './features/transparency/benchmarkMetrics.ts'
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
  const hub = createHubService()
  const dashboard = createDashboardService()
  const tools = createToolsService(db, register, organisations, people, board)
  const problemReports = createProblemReportService(db, organisations, people, { baseUrl: config.publicBaseUrl })
  const interchange = createInterchangeService(db, { organisations, register, transparency })
  const guidance = createGuidanceService(db, assessments, organisations)
  const platformAdmin = createPlatformAdminService(db, { organisations, register, people, transparency })
  const usecases = createUseCaseService(db, register, people, organisations)
  const maturity = createMaturityService(db)
  // Question sets uploaded by platform admins join the built-in ones in the assessments' registry.
  const packs = createPackService(db, assessments.questionSets, organisations)
  // The sector benchmark names no feature: each adds its figures (counts in SQL over the ids it is given).
  const benchmark = createBenchmarkService(db, organisations)
  addPolicyBenchmarkMetrics(benchmark, policies)
  addBoardBenchmarkMetrics(benchmark, board)
  addTransparencyBenchmarkMetrics(benchmark, transparency)
  addMaturityBenchmarkMetrics(benchmark, maturity)
  return { auth, organisations, register, assessments, risks, board, transparency, people, outbox, policies, home, hub, dashboard, tools, problemReports, interchange, guidance, platformAdmin, usecases, maturity, benchmark, packs }
}
export type Services = ReturnType<typeof createServices>
