import Crypto
import Foundation
import Hummingbird
import Mustache

/// `GET /authorize` and `POST /authorize`: the sign-in and consent page of the authorization-code
/// flow, rendered from `Pages/sign-in.mustache` (every value HTML-escaped by the template engine).
/// HTML rather than the API's JSON, so these two are plain routes; the document describes them.
/// `DevicePages` and `LogoutPages` render their pages here too: one template, one set of headers,
/// one anti-forgery cookie, one sign-in session cookie.
struct AuthorizePages: Sendable {
    let service: SignInService
    /// `Secure` on the cookies when the public URL is https (and the `__Host-` prefix on the session's).
    let secureCookie: Bool
    /// The sign-in session cookie's `Max-Age`: the session's longest life.
    let sessionCookieLifetime: Int

    static let browserCookie = "tm_browser"
    /// Names the browser sign-in session; `__Host-` (RFC 6265bis §4.1.3.2) pins it to this host, path `/`, https.
    var sessionCookie: String { secureCookie ? "__Host-tm_session" : "tm_session" }
    static let formLimit = 16 * 1024

    private static let template = try! MustacheTemplate(string: String(decoding: PackageResources.sign_in_mustache, as: UTF8.self))
    private static let style = String(decoding: PackageResources.sign_in_css, as: UTF8.self)
    /// No script at all; the one inline style by its hash; nothing may frame the page.
    static let policy =
        "default-src 'none'; style-src 'sha256-\(Data(SHA256.hash(data: Array(style.utf8))).base64EncodedString())'; "
        + "img-src 'self'; base-uri 'none'; frame-ancestors 'none'"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/authorize") { request, context in
            let query = FormFields.parse(request.uri.query.map { Substring($0) } ?? "")
            return try await self.withBrowser(request) { browser in
                var visit = self.visit(request)
                visit.browser = browser
                return self.respond(try await service.begin(query: query, visit: visit))
            }
        }
        router.post("/authorize") { request, context in
            guard FormFields.isForm(contentType: request.headers[.contentType]) else {
                return self.respond(.refused("The sign-in form must be sent as a form."))
            }
            let body = try await request.body.collect(upTo: Self.formLimit)
            let form = FormFields.parse(Substring(String(buffer: body)))
            return self.respond(try await service.submit(form: form, visit: self.visit(request)))
        }
    }

    /// The browser a request came from: its cookies, its address (as `RequestLogMiddleware`
    /// resolved it, for login throttling) and its `User-Agent`.
    func visit(_ request: Request) -> SignInSteps.Visit {
        SignInSteps.Visit(
            browser: request.cookies[Self.browserCookie]?.value, sessionCookie: request.cookies[sessionCookie]?.value,
            address: RequestInfo.current.clientAddress, userAgent: request.headers[.userAgent])
    }

    /// `response` with the sign-in session cookie set or cleared.
    func applying(_ change: SignInSteps.SessionCookieChange?, to response: Response) -> Response {
        guard let change else { return response }
        var response = response
        let attributes = "; Path=/; HttpOnly; SameSite=Lax" + (secureCookie ? "; Secure" : "")
        let value: String =
            switch change {
            case .set(let value): "\(sessionCookie)=\(value)\(attributes); Max-Age=\(sessionCookieLifetime)"
            case .clear: "\(sessionCookie)=\(attributes); Max-Age=0"
            }
        response.headers.append(.init(name: .setCookie, value: value))
        return response
    }

    func respond(_ reply: SignInSteps.Reply) -> Response {
        applying(reply.sessionCookie, to: respond(reply.answer))
    }

    /// `answer` for the browser the request came from: its cookie's value, or a new one, set on the response.
    func withBrowser(_ request: Request, _ answer: (String) async throws -> Response) async throws -> Response {
        let existing = request.cookies[Self.browserCookie]?.value
        let browser = existing.flatMap { $0.utf8.count == OpaqueToken.length ? $0 : nil } ?? OpaqueToken.generate()
        var response = try await answer(browser)
        if existing != browser {
            response.headers.append(.init(name: .setCookie, value: self.cookie(browser)))
        }
        return response
    }

    private func cookie(_ value: String) -> String {
        "\(Self.browserCookie)=\(value); Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000" + (secureCookie ? "; Secure" : "")
    }

    /// `/device`'s code entry: what was typed, and the anti-forgery value of this browser's entry form.
    func deviceEntry(typed: String, browser: String, error: String? = nil, retryAfter: Int? = nil) -> Response {
        var headers = Self.headers
        var entry: [String: Any] = ["typed": typed, "entry": Self.entryValue(browser: browser)]
        if let error { entry["error"] = error }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return html(retryAfter == nil ? .ok : .tooManyRequests, Self.template.render(["style": Self.style, "deviceEntry": entry]), headers)
    }

    /// A form's anti-forgery value (the code entry's, the sign-out's): only a page rendered for
    /// this browser's cookie has it.
    static func entryValue(browser: String, form: String = "device-entry") -> String { OpaqueToken.hash(form + ":" + browser) }

    /// `/logout`'s question, with what its Yes carries (a registered redirect URI only).
    func logoutPage(_ question: LogoutService.Question, browser: String) -> Response {
        var logout: [String: Any] = ["entry": Self.entryValue(browser: browser, form: LogoutPages.form)]
        if let name = question.name { logout["name"] = name }
        if let clientID = question.clientID { logout["clientID"] = clientID }
        if let uri = question.redirectURI { logout["redirectURI"] = uri }
        if let state = question.state { logout["state"] = state }
        return html(.ok, Self.template.render(["style": Self.style, "logout": logout]), Self.headers)
    }

    /// A page that says what happened, with nothing to do.
    func messagePage(title: String, message: String) -> Response {
        html(.ok, Self.template.render(["style": Self.style, "answered": ["title": title, "message": message]]), Self.headers)
    }

    static var headers: HTTPFields {
        var headers = PageHeaders.html(policy: Self.policy, cacheControl: "no-store")
        headers[.pragma] = "no-cache"
        return headers
    }

    func respond(_ answer: SignInSteps.Answer) -> Response {
        var headers = Self.headers
        switch answer {
        case .redirect(let location):
            headers[.contentType] = nil
            headers[.location] = location
            return Response(status: .seeOther, headers: headers)
        case .page(let page):
            return html(.ok, Self.render(page: page), headers)
        case .refused(let problem):
            return html(.badRequest, Self.template.render(["style": Self.style, "problem": problem]), headers)
        case .throttled(let seconds, let page):
            headers[.retryAfter] = String(seconds)
            return html(.tooManyRequests, Self.render(page: page), headers)
        }
    }

    /// `/device`'s answers: a sign-in step's, the code entry again, or the page that says the
    /// device was answered.
    func respond(_ answer: DeviceApprovalService.Answer, browser: String) -> Response {
        switch answer {
        case .signIn(let answer):
            return respond(answer)
        case .codeRefused(let problem, let retryAfter):
            return deviceEntry(typed: "", browser: browser, error: problem, retryAfter: retryAfter)
        case .answered(let title, let message):
            return html(.ok, Self.template.render(["style": Self.style, "answered": ["title": title, "message": message]]), Self.headers)
        }
    }

    static func render(page: SignInSteps.Page) -> String {
        var form: [String: Any] = [
            "clientName": page.client.name, "unverified": !page.client.isVerified, "scopes": page.purpose.scopes.map(\.inWords), "formID": page.formID,
            "username": page.username ?? "",
        ]
        switch page.purpose {
        case .authorization(let request):
            form["redirectOrigin"] = origin(of: request.redirectURI)
            form["formAction"] = "authorize"
        case .device:
            form["formAction"] = "device"
            form["forDevice"] = true
        }
        if let error = page.error { form["error"] = error }
        if page.asksForCode { form["asksForCode"] = true }
        if let user = page.signedInAs {
            // The username beside a full name, so that two people of one name can tell.
            var person: [String: Any] = ["name": user.fullName ?? user.username]
            if user.fullName != nil { person["handle"] = user.username }
            form["signedInAs"] = person
        }
        return template.render(["style": style, "form": form])
    }

    /// `scheme://host[:port]` of a redirect URI: where the user is sent, without the path.
    static func origin(of uri: String) -> String {
        guard let parts = URLComponents(string: uri), let scheme = parts.scheme, let host = parts.percentEncodedHost else { return uri }
        return "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
    }

    func html(_ status: HTTPResponse.Status, _ text: String, _ headers: HTTPFields) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
