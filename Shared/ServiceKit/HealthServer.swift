import Hummingbird
import NIOCore

/// `/healthz` (the process is up), `/readyz` (it can do its work) and `/metrics` (Prometheus),
/// plus whatever routes the service adds (the intake API, approvals).
public enum HealthRoutes {
    public static func add(to router: Router<DoudiRequestContext>, metrics: ServiceMetrics,
                           liveness: @escaping @Sendable () -> (ok: Bool, detail: String) = { (true, "ok") },
                           readiness: @escaping @Sendable () async -> (ready: Bool, detail: String)) {
        router.get("/healthz") { _, _ -> Response in
            let (ok, detail) = liveness()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: detail + "\n")))
        }
        router.get("/readyz") { _, _ -> Response in
            let (ready, detail) = await readiness()
            return Response(status: ready ? .ok : .serviceUnavailable,
                            headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: detail + "\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.render() + MetricsBootstrap.renderShared())))
        }
    }
}
