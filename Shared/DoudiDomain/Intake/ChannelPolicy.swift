// What each channel must carry beyond the fields every submission needs.
//
// | channel             | declarationSigned | collectedBy | applicant.phone |
// |---------------------|-------------------|-------------|-----------------|
// | `home_visit`        |                   | required    |                 |
// | `self_declared`     | must be `true`    |             | required        |
// | `grassroots_report` |                   | required    |                 |
// | `data_comparison`   |                   |             |                 |
// | `hotline_petition`  |                   |             | required        |
// | `historical`        |                   |             |                 |
//
// Self-declaration needs the applicant's integrity commitment (annex, note 1). A collector is
// named where a worker filled the form in person and answers for it; a phone where the case
// started from the household and must be called back. Asking for assistance without the
// verification authorisation is not an error: it is accepted and `authorizationRequired` is set.

struct ChannelPolicy: Sendable, Equatable {
    let requiresDeclaration: Bool
    let requiresCollector: Bool
    let requiresApplicantPhone: Bool

    /// No requirements: used while the channel itself is missing or unknown.
    static let none = ChannelPolicy(requiresDeclaration: false, requiresCollector: false, requiresApplicantPhone: false)

    static func of(_ channel: Channel?) -> ChannelPolicy {
        switch channel {
        case .homeVisit?, .grassrootsReport?:
            ChannelPolicy(requiresDeclaration: false, requiresCollector: true, requiresApplicantPhone: false)
        case .selfDeclared?:
            ChannelPolicy(requiresDeclaration: true, requiresCollector: false, requiresApplicantPhone: true)
        case .hotlinePetition?:
            ChannelPolicy(requiresDeclaration: false, requiresCollector: false, requiresApplicantPhone: true)
        case .dataComparison?, .historical?, nil:
            .none
        }
    }
}
