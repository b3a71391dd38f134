// doudi-housing: the housing department handler (HTTP 8093: /v1/cases/{referralId}, /v1/stats).
import DoudiDomain
import HandlerKit

try await Handler.run(HousingProgramme.self, defaultHTTPPort: 8093)
