// doudi-disaster: the disaster department handler (HTTP 8095: /v1/cases/{referralId}, /v1/stats).
import DoudiDomain
import HandlerKit

try await Handler.run(DisasterProgramme.self, defaultHTTPPort: 8095)
