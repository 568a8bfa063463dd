// The one catch-all: every failure leaves cairn through render::print_error with a
// stable code and a documented exit status (docs/errors.md).
#include "app.hpp"
#include "render/diagnostics.hpp"

#include <filesystem>
#include <new>

namespace {

using cairn::Code;
using cairn::Error;

cairn::cli::render::Output output_of(const cairn::cli::Session& session) {
    return session.global.json ? cairn::cli::render::Output::json
                               : cairn::cli::render::Output::text;
}

int report(const Error& error, const cairn::cli::Session& session) {
    cairn::cli::render::print_error(error, output_of(session));
    return cairn::exit_status(error.code());
}

// CLI11 knows the words used; render its complaint in our style.
Error usage_error(const CLI::ParseError& e) {
    std::string text = e.what();
    Error error(Code::usage, text.empty() ? std::string("invalid command line") : text);
    error.hint("run `cairn help` (or `cairn help COMMAND`) for the usage");
    return error;
}

} // namespace

int main(int argc, char** argv) {
    cairn::cli::Session session;
    std::unique_ptr<CLI::App> app;
    try {
        app = cairn::cli::make_app(session, argc, argv);
        app->parse(argc, argv);
        if (app->get_subcommands().empty()) {
            std::fputs(app->help().c_str(), stdout);
            return 0;
        }
        return session.exit_code;
    } catch (const CLI::CallForHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app->exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app->exit(e);
    } catch (const CLI::ParseError& e) {
        return report(usage_error(e), session);
    } catch (const Error& e) {
        return report(e, session);
    } catch (const std::filesystem::filesystem_error& e) {
        Error error(Code::io, "a filesystem operation failed");
        error.caused_by(e.code().message() + ": " + e.path1().string());
        return report(error, session);
    } catch (const std::bad_alloc&) {
        return report(Error(Code::internal, "out of memory"), session);
    } catch (const std::exception& e) {
        Error error(Code::internal, "cairn hit a bug");
        error.caused_by(e.what()).hint("please report this with the command you ran");
        return report(error, session);
    }
}
