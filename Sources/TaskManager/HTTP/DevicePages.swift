import Hummingbird

/// `GET /device` and `POST /device` (RFC 8628 §3.3): a person types the code their device shows,
/// then signs in on the sign-in page's own steps (`DeviceApprovalService` over `SignInSteps`, rendered by `AuthorizePages`:
/// the same template, headers, cookie and single-use forms) and allows or denies the device.
struct DevicePages: Sendable {
    let approval: DeviceApprovalService
    let pages: AuthorizePages

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/device") { request, _ in
            let typed = ParameterList(FormFields.parse(request.uri.query.map { Substring($0) } ?? "")).single("user_code") ?? ""
            // Filled in from `verification_uri_complete`, but never submitted for the person.
            return try await pages.withBrowser(request) { browser in pages.deviceEntry(typed: String(typed.prefix(64)), browser: browser) }
        }
        router.post("/device") { request, _ in
            guard FormFields.isForm(contentType: request.headers[.contentType]) else {
                return pages.respond(.refused("The form must be sent as a form."))
            }
            let body = try await request.body.collect(upTo: AuthorizePages.formLimit)
            let fields = ParameterList(FormFields.parse(Substring(String(buffer: body))))
            let visit = pages.visit(request)
            let browser = visit.browser
            // The sign-in page's own form: the same steps as at /authorize.
            if fields.single("request") != nil {
                let (answer, cookie) = try await approval.submit(form: fields.pairs, visit: visit)
                return pages.applying(cookie, to: pages.respond(answer, browser: browser ?? ""))
            }
            guard let browser, let entry = fields.single("entry"), constantTimeEqual(entry, AuthorizePages.entryValue(browser: browser))
            else { return pages.respond(.refused(SignInSteps.formGone)) }
            let answer = try await approval.begin(
                userCode: fields.single("user_code") ?? "", browser: browser, sessionCookie: visit.sessionCookie, address: visit.address)
            return pages.respond(answer, browser: browser)
        }
    }
}
