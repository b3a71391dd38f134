import Envelope
import Foundation
import ServiceKit

/// The credential the self-declaration page (`/declare`, §2.2 自主申报) embeds: public by nature
/// (anyone may declare), so it is an operator token with the `declarant` role, which may only
/// submit `self_declared` forms. `DOUDI_INTAKE_DECLARE_TOKEN` holds it (minted with
/// `doudi operator token --role declarant …`); it must verify under `DOUDI_OPERATOR_KEYS`. In
/// development mode one is minted at start; elsewhere, without it, `/declare` is switched off.
enum DeclareToken {
    static func load(config: ServiceConfig, environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        guard let token = env["DOUDI_INTAKE_DECLARE_TOKEN"], !token.isEmpty else {
            guard config.mode == .development else { return nil }
            return OperatorToken.development(subject: "self-declaration", role: .declarant, regions: ["*"],
                                             channels: ["self_declared"], lifetimeSeconds: 30 * 86_400)
        }
        let credential: OperatorCredential
        do { credential = try OperatorToken.verify(token, keys: config.operatorKeys) }
        catch { throw MissingSecret("DOUDI_INTAKE_DECLARE_TOKEN", "does not verify: \(error)") }
        guard credential.role == .declarant else {
            throw MissingSecret("DOUDI_INTAKE_DECLARE_TOKEN", "must have the declarant role (it is published in the page)")
        }
        return token
    }
}
