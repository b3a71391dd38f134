// What each channel must carry beyond the fields every submission needs.
//
// | channel             | declarationSigned | collectedBy | applicant.phone |
// |---------------------|-------------------|-------------|-----------------|
// | `home_visit`        | must be `true`    | required    |                 |
// | `self_declared`     | must be `true`    |             | required        |
// | `grassroots_report` | must be `true`    | required    |                 |
// | `data_comparison`   |                   |             |                 |
// | `hotline_petition`  |                   |             | required        |
// | `historical`        |                   |             |                 |
//
// Every channel that collects the form from the household — a home visit, a self-declaration, a
// village's report — needs the declarant's integrity commitment (annex, note 1: 低收入人口申报，需由
// 申报人作出诚信承诺). Hotline and petition reports are leads from third parties, and department
// data and historical registers are not declarations: they carry none. A collector is
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
            ChannelPolicy(requiresDeclaration: true, requiresCollector: true, requiresApplicantPhone: false)
        case .selfDeclared?:
            ChannelPolicy(requiresDeclaration: true, requiresCollector: false, requiresApplicantPhone: true)
        case .hotlinePetition?:
            ChannelPolicy(requiresDeclaration: false, requiresCollector: false, requiresApplicantPhone: true)
        case .dataComparison?, .historical?, nil:
            .none
        }
    }
}
