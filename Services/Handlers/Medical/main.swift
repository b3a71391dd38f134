// doudi-medical: the medical department handler (HTTP 8091: /v1/cases/{referralId}, /v1/stats).
import DoudiDomain
import HandlerKit

try await Handler.run(MedicalProgramme.self, defaultHTTPPort: 8091)
