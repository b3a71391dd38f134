// doudi-employment: the employment department handler (HTTP 8094: /v1/cases/{referralId}, /v1/stats).
import DoudiDomain
import HandlerKit

try await Handler.run(EmploymentProgramme.self, defaultHTTPPort: 8094)
