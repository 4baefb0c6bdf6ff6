import Hummingbird

/// `GET` and `POST /logout` (OpenID Connect RP-Initiated Logout 1.0, `LogoutService`), rendered by
/// `AuthorizePages`: the same template, headers and cookies as the sign-in page. A POST with
/// `confirm` is the page's own Yes and needs its anti-forgery value; any other POST is an app's,
/// sent on as a GET: a form posted from the app's site carries no `SameSite=Lax` cookie, so only
/// the GET that follows can see (and end) the browser's session.
struct LogoutPages: Sendable {
    let service: LogoutService
    let pages: AuthorizePages

    /// The anti-forgery value's purpose (`AuthorizePages.entryValue`).
    static let form = "logout"
    /// What an app's request may carry (RP-Initiated Logout 1.0 §2).
    static let requestFields: Set<String> = ["id_token_hint", "client_id", "post_logout_redirect_uri", "state"]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/logout") { request, _ in
            let fields = ParameterList(FormFields.parse(request.uri.query.map { Substring($0) } ?? ""))
            return try await begin(fields, request)
        }
        router.post("/logout") { request, _ in
            guard FormFields.isForm(contentType: request.headers[.contentType]) else {
                return pages.respond(.refused("The sign-out form must be sent as a form."))
            }
            let body = try await request.body.collect(upTo: AuthorizePages.formLimit)
            let fields = ParameterList(FormFields.parse(Substring(String(buffer: body))))
            guard fields.single("confirm") != nil else {
                let query = fields.pairs.filter { Self.requestFields.contains($0.0) }
                    .map { "\($0)=\(FormFields.encode($1))" }.joined(separator: "&")
                return pages.respond(.redirect("/logout" + (query.isEmpty ? "" : "?" + query)))
            }
            let asked = LogoutService.Request(fields)
            if let problem = asked.problem { return pages.respond(.refused(problem)) }
            let visit = pages.visit(request)
            guard let browser = visit.browser, let entry = fields.single("entry"),
                constantTimeEqual(entry, AuthorizePages.entryValue(browser: browser, form: Self.form))
            else {
                return pages.respond(.refused("This sign-out form was not made by this server for this browser. Nothing was changed."))
            }
            let answer = try await service.confirm(asked, sessionCookie: visit.sessionCookie)
            return respond(answer, browser: browser)
        }
    }

    private func begin(_ fields: ParameterList, _ request: Request) async throws -> Response {
        let asked = LogoutService.Request(fields)
        if let problem = asked.problem { return pages.respond(.refused(problem)) }
        return try await pages.withBrowser(request) { browser in
            let answer = try await service.begin(asked, sessionCookie: pages.visit(request).sessionCookie)
            return respond(answer, browser: browser)
        }
    }

    private func respond(_ answer: LogoutService.Answer, browser: String) -> Response {
        switch answer {
        case .redirect(let location):
            return pages.applying(.clear, to: pages.respond(.redirect(location)))
        case .ask(let question):
            return pages.logoutPage(question, browser: browser)
        case .signedOut:
            return pages.applying(
                .clear, to: pages.messagePage(title: "Signed out", message: "You are signed out of TaskManager in this browser. You can close this page."))
        }
    }
}
