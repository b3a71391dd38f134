// doudi-education: the education department handler (HTTP 8092: /v1/cases/{referralId}, /v1/stats).
import DoudiDomain
import HandlerKit

try await Handler.run(EducationProgramme.self, defaultHTTPPort: 8092)
