// The clamd codec against golden byte sequences. Every expectation marked
// [obs] was seen on the wire from clamd 1.4.6 (Debian 1.4.6+dfsg) with
// StreamMaxLength 1M (../shared/reference/clamav.md section 1, and the
// probes listed in docs/clamd-protocol.md).
#include "protocol/clamd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace vigil::protocol {
namespace {

using namespace std::string_literals;
using Kind = ParseResult::Kind;

ParseResult Parse(const std::string& bytes, bool in_session = false) {
  return ParseCommand(bytes, /*packet_complete=*/true, in_session);
}

// Expects a request for `command` with `argument`, consuming `consumed`.
void ExpectRequest(const std::string& bytes, Command command, Form form,
                   const std::string& argument, size_t consumed,
                   bool in_session = false) {
  SCOPED_TRACE(testing::PrintToString(bytes));
  const ParseResult r = Parse(bytes, in_session);
  ASSERT_EQ(r.kind, Kind::kRequest);
  ASSERT_TRUE(r.request.has_value());
  EXPECT_EQ(r.request->command, command);
  EXPECT_EQ(r.request->form, form);
  EXPECT_EQ(r.form, form);
  EXPECT_EQ(r.request->argument, argument);
  EXPECT_EQ(r.consumed, consumed);
}

void ExpectUnknown(const std::string& bytes, Form form,
                   bool in_session = false) {
  SCOPED_TRACE(testing::PrintToString(bytes));
  const ParseResult r = Parse(bytes, in_session);
  EXPECT_EQ(r.kind, Kind::kUnknown);
  EXPECT_EQ(r.form, form);
  EXPECT_FALSE(r.request.has_value());
}

struct NamedCommand {
  std::string name;
  Command command;
};

const std::vector<NamedCommand>& NoArgumentCommands() {
  static const std::vector<NamedCommand> list = {
      {"PING", Command::kPing},
      {"VERSION", Command::kVersion},
      {"VERSIONCOMMANDS", Command::kVersionCommands},
      {"RELOAD", Command::kReload},
      {"SHUTDOWN", Command::kShutdown},
      {"QUIT", Command::kQuit},
      {"INSTREAM", Command::kInstream},
      {"FILDES", Command::kFildes},
      {"STATS", Command::kStats},
      {"IDSESSION", Command::kIdSession},
      {"DETSTATS", Command::kDetStats},
      {"DETSTATSCLEAR", Command::kDetStatsClear},
  };
  return list;
}

const std::vector<NamedCommand>& PathCommands() {
  static const std::vector<NamedCommand> list = {
      {"SCAN", Command::kScan},
      {"CONTSCAN", Command::kContScan},
      {"MULTISCAN", Command::kMultiScan},
      {"ALLMATCHSCAN", Command::kAllMatchScan},
  };
  return list;
}

TEST(ClamdParse, EveryCommandInZForm) {
  for (const NamedCommand& c : NoArgumentCommands()) {
    ExpectRequest("z" + c.name + "\0"s, c.command, Form::kZ, "",
                  c.name.size() + 2);
  }
  for (const NamedCommand& c : PathCommands()) {
    ExpectRequest("z" + c.name + " /tmp/clean dir\0"s, c.command, Form::kZ,
                  "/tmp/clean dir", c.name.size() + 17);
  }
  ExpectRequest("zEND\0"s, Command::kEnd, Form::kZ, "", 5, true);
}

TEST(ClamdParse, EveryCommandInNForm) {
  for (const NamedCommand& c : NoArgumentCommands()) {
    ExpectRequest("n" + c.name + "\n", c.command, Form::kN, "",
                  c.name.size() + 2);
  }
  for (const NamedCommand& c : PathCommands()) {
    ExpectRequest("n" + c.name + " /p\n", c.command, Form::kN, "/p",
                  c.name.size() + 5);
  }
  ExpectRequest("nEND\n", Command::kEnd, Form::kN, "", 5, true);
}

TEST(ClamdParse, OldStyleOnlyForSupportOld) {
  // [obs] old-style PING, VERSION, QUIT, DETSTATS*, SCAN work; INSTREAM,
  // VERSIONCOMMANDS, STATS, ALLMATCHSCAN answer UNKNOWN COMMAND\n.
  const std::vector<std::string> allowed = {
      "PING", "VERSION", "RELOAD",   "SHUTDOWN",
      "QUIT", "FILDES",  "DETSTATS", "DETSTATSCLEAR"};
  for (const NamedCommand& c : NoArgumentCommands()) {
    const bool ok =
        std::find(allowed.begin(), allowed.end(), c.name) != allowed.end();
    EXPECT_EQ(AllowedOldStyle(c.command), ok) << c.name;
    if (ok) {
      ExpectRequest(c.name, c.command, Form::kOld, "", c.name.size());
      ExpectRequest(c.name + "\n", c.command, Form::kOld, "",
                    c.name.size() + 1);
    } else {
      ExpectUnknown(c.name, Form::kOld);
      ExpectUnknown(c.name + "\n", Form::kOld);
    }
  }
  ExpectRequest("SCAN /x", Command::kScan, Form::kOld, "/x", 7);
  ExpectRequest("CONTSCAN /x\n", Command::kContScan, Form::kOld, "/x", 12);
  ExpectRequest("MULTISCAN /x\r\n", Command::kMultiScan, Form::kOld, "/x", 14);
  ExpectUnknown("ALLMATCHSCAN /x", Form::kOld);
  ExpectUnknown("IDSESSION", Form::kOld);
  ExpectUnknown("END", Form::kOld, /*in_session=*/false);
}

TEST(ClamdParse, OldStyleIsTheFirstLineOfThePacket) {
  // [obs] "PING\nPING", "PING\nxyz" -> PONG; "PING\0xyz" -> PONG;
  // "PING\r\r\n\n" -> PONG; "\rPING" -> UNKNOWN; "PI" then "NG" -> UNKNOWN.
  ExpectRequest("PING\r\n", Command::kPing, Form::kOld, "", 6);
  ExpectRequest("PING\r", Command::kPing, Form::kOld, "", 5);
  ExpectRequest("PING\r\r\n\n", Command::kPing, Form::kOld, "", 7);
  ExpectRequest("PING\nPING", Command::kPing, Form::kOld, "", 5);
  ExpectRequest("PING\nxyz", Command::kPing, Form::kOld, "", 5);
  ExpectRequest("PING\0xyz"s, Command::kPing, Form::kOld, "", 8);
  ExpectRequest("PING\0\0"s, Command::kPing, Form::kOld, "", 6);
  ExpectRequest("PING\n\r", Command::kPing, Form::kOld, "", 5);
  ExpectUnknown("\rPING", Form::kOld);
  ExpectUnknown("PI", Form::kOld);
  ExpectUnknown("\n", Form::kOld);
  ExpectUnknown("PING ", Form::kOld);
  // [obs] garbage after the first '\n' is left over ("Error processing
  // command." before a scan's reply); none after "\r\n" or a NUL.
  ExpectRequest("SCAN /nonexistent\n\n", Command::kScan, Form::kOld,
                "/nonexistent", 18);
  ExpectRequest("SCAN /nonexistent\0x"s, Command::kScan, Form::kOld,
                "/nonexistent", 19);
}

TEST(ClamdParse, OldStyleWaitsWhenNotAtTheStartOfARead) {
  const ParseResult r = ParseCommand("PING\n", /*packet_complete=*/false,
                                     /*in_session=*/false);
  EXPECT_EQ(r.kind, Kind::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(ParseCommand("PING", false, true).kind, Kind::kNeedMore);
  // z/n commands do not depend on it.
  EXPECT_EQ(ParseCommand("zPING\0"s, false, true).kind, Kind::kRequest);
}

TEST(ClamdParse, PrefixLookupOrder) {
  ExpectRequest("zVERSIONCOMMANDS\0"s, Command::kVersionCommands, Form::kZ, "",
                17);
  ExpectRequest("zVERSION\0"s, Command::kVersion, Form::kZ, "", 9);
  ExpectRequest("zDETSTATSCLEAR\0"s, Command::kDetStatsClear, Form::kZ, "", 15);
  ExpectRequest("zDETSTATS\0"s, Command::kDetStats, Form::kZ, "", 10);
  // The first prefix that matches decides ([obs] nVERSIONX -> UNKNOWN).
  ExpectUnknown("nVERSIONX\n", Form::kN);
  ExpectUnknown("nVERSIONCOMMANDSX\n", Form::kN);
  ExpectUnknown("zDETSTATSX\0"s, Form::kZ);
  ExpectUnknown("zPINGPING\0"s, Form::kZ);
  // SCAN is a prefix of SCANNER: one char skipped (N), the rest is the path.
  ExpectRequest("zSCANNER\0"s, Command::kScan, Form::kZ, "ER", 9);
}

TEST(ClamdParse, OneSeparatorSkippedBlindly) {
  // [obs] "SCAN/tmp/x" -> path "tmp/x".
  ExpectRequest("SCAN/tmp/x", Command::kScan, Form::kOld, "tmp/x", 10);
  ExpectRequest("nSCAN/tmp/x\n", Command::kScan, Form::kN, "tmp/x", 12);
  ExpectRequest("zSCAN  /two spaces\0"s, Command::kScan, Form::kZ,
                " /two spaces", 19);
  ExpectRequest("zSCAN\t/tab\0"s, Command::kScan, Form::kZ, "/tab", 11);
  // [obs] "SCAN " and "nSCAN \n" -> empty path: ": File path check
  // failure: No such file or directory. ERROR".
  ExpectRequest("SCAN ", Command::kScan, Form::kOld, "", 5);
  ExpectRequest("nSCAN \n", Command::kScan, Form::kN, "", 7);
}

TEST(ClamdParse, MissingOrUnexpectedArgument) {
  // [obs] nSCAN\n -> UNKNOWN COMMAND\n; zPING extra\0 -> UNKNOWN COMMAND\0.
  for (const NamedCommand& c : PathCommands()) {
    ExpectUnknown("n" + c.name + "\n", Form::kN);
    ExpectUnknown("z" + c.name + "\0"s, Form::kZ);
  }
  ExpectUnknown("SCAN", Form::kOld);
  for (const NamedCommand& c : NoArgumentCommands()) {
    ExpectUnknown("z" + c.name + " extra\0"s, Form::kZ);
    ExpectUnknown("n" + c.name + " \n", Form::kN);
  }
  ExpectUnknown("zEND extra\0"s, Form::kZ, /*in_session=*/true);
}

TEST(ClamdParse, RemovedAndNonCommands) {
  // [obs] zSTREAM\0 -> UNKNOWN COMMAND\0; GET / HTTP/1.1\r\n -> ...\n.
  ExpectUnknown("zSTREAM\0"s, Form::kZ);
  ExpectUnknown("nRAWSCAN /x\n", Form::kN);
  ExpectUnknown("zSESSION\0"s, Form::kZ);
  ExpectUnknown("nFD\n", Form::kN);
  ExpectUnknown("GET / HTTP/1.1\r\n", Form::kOld);
  ExpectUnknown("GET / HTTP/2\r\n", Form::kOld);
  ExpectUnknown("SELFCHECK", Form::kOld);
  ExpectUnknown("zping\0"s, Form::kZ);
  ExpectUnknown("z\0"s, Form::kZ);        // [obs]
  ExpectUnknown("n\n", Form::kN);         // [obs]
  ExpectUnknown("zPING\r\0"s, Form::kZ);  // [obs]: no chomping in z form
}

TEST(ClamdParse, EndOnlyInsideASession) {
  // [obs] nEND\n outside a session -> UNKNOWN COMMAND\n.
  ExpectUnknown("nEND\n", Form::kN);
  ExpectUnknown("zEND\0"s, Form::kZ);
  ExpectRequest("zEND\0"s, Command::kEnd, Form::kZ, "", 5, true);
  EXPECT_TRUE(AllowedInSession(Command::kEnd));
}

TEST(ClamdParse, OldStyleInsideASession) {
  const ParseResult r = Parse("PING", /*in_session=*/true);
  EXPECT_EQ(r.kind, Kind::kOldStyleInSession);
  EXPECT_EQ(r.form, Form::kOld);
  EXPECT_EQ(Parse("\n", true).kind, Kind::kOldStyleInSession);
  EXPECT_EQ(Parse("\0"s, true).kind, Kind::kOldStyleInSession);
  EXPECT_EQ(Parse("zPING\0"s, true).kind, Kind::kRequest);
}

TEST(ClamdParse, IncompleteCommandsNeedMore) {
  for (const std::string& s : {""s, "z"s, "n"s, "zPIN"s, "nPING"s, "nPING\r"s,
                               "zPING\n"s, "nPING\0"s}) {
    const ParseResult r = Parse(s);
    EXPECT_EQ(r.kind, Kind::kNeedMore) << testing::PrintToString(s);
    EXPECT_EQ(r.consumed, 0u);
  }
}

std::string NScan(size_t total) {  // "nSCAN /aaa...\n", `total` bytes
  return "nSCAN /" + std::string(total - 8, 'a') + "\n";
}

TEST(ClamdParse, LineLimit) {
  // [obs] 4104 bytes with the terminator work, 4105 close with no reply.
  ExpectRequest(NScan(4104), Command::kScan, Form::kN,
                "/" + std::string(4096, 'a'), 4104);
  std::string z = NScan(4104);
  z[0] = 'z';
  z.back() = '\0';
  ExpectRequest(z, Command::kScan, Form::kZ, "/" + std::string(4096, 'a'),
                4104);
  EXPECT_EQ(Parse(NScan(4105)).kind, Kind::kTooLong);
  EXPECT_EQ(Parse(NScan(5000)).kind, Kind::kTooLong);
  const std::string partial = NScan(4105).substr(0, 4103);
  EXPECT_EQ(Parse(partial).kind, Kind::kNeedMore);
  EXPECT_EQ(Parse(partial + "a").kind, Kind::kTooLong);
  EXPECT_EQ(ParseCommand("zPING\0"s, true, false, 5).kind, Kind::kTooLong);
  EXPECT_EQ(ParseCommand("zPING\0"s, true, false, 6).kind, Kind::kRequest);
  // [obs] old style: clamd reads 4104 bytes and takes them as the command
  // (5000-byte "SCAN /aaa..." -> a 4099-byte path, "File name too long").
  const std::string old = "SCAN /" + std::string(4994, 'a');
  ExpectRequest(old, Command::kScan, Form::kOld, "/" + std::string(4098, 'a'),
                4104);
}

TEST(ClamdParse, NFormCarriageReturnQuirk) {
  // clamd chomps "\r" in place and resumes after the chomped command, so
  // the '\n' (and extra '\r's) stay as NULs: [obs] "nSCAN /nonexistent\r\n"
  // gets "Error processing command. ERROR" (garbage) first.
  struct Case {
    std::string bytes;
    size_t consumed;
    std::string rewrite;
  };
  const std::vector<Case> cases = {
      {"nPING\r\n", 6, "\0"s},
      {"nPING\r\r\n", 6, "\0\0"s},
      {"nPING\0\n"s, 6, "\0"s},
      {"nPING\0xx\n"s, 6, "xx\0"s},
      {"nPING\0\r\n"s, 6, "\r\0"s},
      {"nPING\r\0x\n"s, 6, "\0x\0"s},
      {"nPING\r\r\0x\n"s, 6, "\0\0x\0"s},
      {"nPING\n", 6, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::PrintToString(c.bytes));
    const ParseResult r = Parse(c.bytes + "zNEXT\0"s);
    ASSERT_EQ(r.kind, Kind::kRequest);
    EXPECT_EQ(r.request->command, Command::kPing);
    EXPECT_EQ(r.consumed, c.consumed);
    EXPECT_EQ(r.rewrite, c.rewrite);
    std::string buffer = c.bytes + "zNEXT\0"s;
    ConsumeCommand(buffer, r);
    EXPECT_EQ(buffer, c.rewrite + "zNEXT\0"s);
  }
  // [obs] "nINSTREAM\r\n\0\0\0\0" -> "stream: OK\n": the NUL left by the
  // '\n' is the first byte of the first chunk length.
  std::string buffer = "nINSTREAM\r\n\0\0\0\0"s;
  const ParseResult r = Parse(buffer);
  ASSERT_EQ(r.kind, Kind::kRequest);
  EXPECT_EQ(r.request->command, Command::kInstream);
  ConsumeCommand(buffer, r);
  InstreamDecoder decoder(1 << 20);
  const InstreamDecoder::Step step = decoder.Feed(buffer);
  EXPECT_EQ(step.state, InstreamDecoder::State::kDone);
  EXPECT_EQ(step.consumed, 4u);
  // [obs] inside a session the stream is followed by the next command:
  // "nIDSESSION\nnINSTREAM\r\n\0\0\0zPING\0zEND\0" -> "2: PONG\0" and
  // "1: stream: OK\n".
  std::string session = "nIDSESSION\nnINSTREAM\r\n\0\0\0zPING\0zEND\0"s;
  ParseResult p = ParseCommand(session, true, false);
  ASSERT_EQ(p.kind, Kind::kRequest);
  ConsumeCommand(session, p);
  p = ParseCommand(session, false, true);
  ASSERT_EQ(p.kind, Kind::kRequest);
  EXPECT_EQ(p.request->command, Command::kInstream);
  ConsumeCommand(session, p);
  InstreamDecoder stream(1 << 20);
  const InstreamDecoder::Step end = stream.Feed(session);
  ASSERT_EQ(end.state, InstreamDecoder::State::kDone);
  session.erase(0, end.consumed);
  p = ParseCommand(session, false, true);
  ASSERT_EQ(p.kind, Kind::kRequest);
  EXPECT_EQ(p.request->command, Command::kPing);
  // An unknown command is reported the same way (then the connection
  // closes, so its left-over bytes do not matter).
  ExpectUnknown("nFOO\r\n", Form::kN);
}

// Drives ParseCommand as clamd's connection loop does: each packet is
// appended, then commands are taken until one is incomplete; only the first
// parse after a read may be old style.
class Connection {
 public:
  // Returns one line per event: the command name, "UNKNOWN", "OLD-IN-
  // SESSION", "TOO-LONG" or "WAIT".
  std::vector<std::string> Receive(const std::string& packet) {
    std::vector<std::string> events;
    buffer_ += packet;
    for (bool first = true;; first = false) {
      const ParseResult r = ParseCommand(buffer_, first, in_session_);
      if (r.kind == Kind::kNeedMore) {
        events.push_back("WAIT");
        return events;
      }
      if (r.kind != Kind::kRequest) {
        events.push_back(r.kind == Kind::kUnknown   ? "UNKNOWN"
                         : r.kind == Kind::kTooLong ? "TOO-LONG"
                                                    : "OLD-IN-SESSION");
        return events;
      }
      events.push_back(std::string(CommandName(r.request->command)));
      ConsumeCommand(buffer_, r);
      if (r.request->command == Command::kIdSession) in_session_ = true;
      if (r.request->command == Command::kEnd) return events;
    }
  }

 private:
  std::string buffer_;
  bool in_session_ = false;
};

using Events = std::vector<std::string>;

TEST(ClamdParse, SessionTranscripts) {
  {
    // [obs] "zIDSESSION\0" | "zPING\0PING" -> "1: PONG\0", connection
    // stays open; | "zPING\0" -> "2: Only nCMDS..." + "2: Error ...".
    Connection c;
    EXPECT_EQ(c.Receive("zIDSESSION\0"s), (Events{"IDSESSION", "WAIT"}));
    EXPECT_EQ(c.Receive("zPING\0PING"s), (Events{"PING", "WAIT"}));
    EXPECT_EQ(c.Receive("zPING\0"s), (Events{"OLD-IN-SESSION"}));
  }
  {
    // [obs] "nIDSESSION\nnPING\r\nnPING\nnEND\n" -> "1: PONG\n" only, open.
    Connection c;
    EXPECT_EQ(c.Receive("nIDSESSION\nnPING\r\nnPING\nnEND\n"),
              (Events{"IDSESSION", "PING", "WAIT"}));
  }
  {
    // [obs] "nIDSESSION\n" | "nPING\r\n" | "nPING\n" -> "1: PONG\n",
    // "2: Only nCMDS\\n ...\n", "2: Error processing command. ERROR\n".
    Connection c;
    EXPECT_EQ(c.Receive("nIDSESSION\n"), (Events{"IDSESSION", "WAIT"}));
    EXPECT_EQ(c.Receive("nPING\r\n"), (Events{"PING", "WAIT"}));
    EXPECT_EQ(c.Receive("nPING\n"), (Events{"OLD-IN-SESSION"}));
  }
  {
    // [obs] "zIDSESSION\0zPI" | "NG\0" | "zEND\0" -> "1: PONG\0", close.
    Connection c;
    EXPECT_EQ(c.Receive("zIDSESSION\0zPI"s), (Events{"IDSESSION", "WAIT"}));
    EXPECT_EQ(c.Receive("NG\0"s), (Events{"PING", "WAIT"}));
    EXPECT_EQ(c.Receive("zEND\0"s), (Events{"END"}));
  }
  {
    // [obs] mixed forms: "zIDSESSION\0nPING\nzPING\0zEND\0" ->
    // "1: PONG\n2: PONG\0".
    Connection c;
    EXPECT_EQ(c.Receive("zIDSESSION\0nPING\nzPING\0zEND\0"s),
              (Events{"IDSESSION", "PING", "PING", "END"}));
  }
  {
    // [obs] "nIDSESSION\n" | "PING" -> "1: Only nCMDS\\n...\n" ...
    Connection c;
    EXPECT_EQ(c.Receive("nIDSESSION\n"), (Events{"IDSESSION", "WAIT"}));
    EXPECT_EQ(c.Receive("PING"), (Events{"OLD-IN-SESSION"}));
  }
}

TEST(ClamdParse, CommandTables) {
  EXPECT_EQ(CommandName(Command::kVersionCommands), "VERSIONCOMMANDS");
  EXPECT_EQ(CommandName(Command::kQuit), "QUIT");
  EXPECT_EQ(CommandName(Command::kDetStatsClear), "DETSTATSCLEAR");
  for (const NamedCommand& c : PathCommands()) {
    EXPECT_TRUE(TakesPath(c.command)) << c.name;
    EXPECT_EQ(CommandName(c.command), c.name);
  }
  for (const NamedCommand& c : NoArgumentCommands()) {
    EXPECT_FALSE(TakesPath(c.command)) << c.name;
    EXPECT_EQ(CommandName(c.command), c.name);
  }
  // [obs] inside IDSESSION: PING VERSION VERSIONCOMMANDS SCAN INSTREAM
  // FILDES STATS work; CONTSCAN MULTISCAN ALLMATCHSCAN RELOAD IDSESSION
  // DETSTATS DETSTATSCLEAR answer "Command invalid inside IDSESSION.".
  const std::vector<Command> in_session = {
      Command::kPing,  Command::kVersion,  Command::kVersionCommands,
      Command::kScan,  Command::kInstream, Command::kFildes,
      Command::kStats, Command::kEnd};
  std::vector<NamedCommand> all = NoArgumentCommands();
  all.insert(all.end(), PathCommands().begin(), PathCommands().end());
  for (const NamedCommand& c : all) {
    const bool expected = std::find(in_session.begin(), in_session.end(),
                                    c.command) != in_session.end();
    EXPECT_EQ(AllowedInSession(c.command), expected) << c.name;
  }
}

TEST(ClamdReply, Formats) {
  EXPECT_EQ(Terminator(Form::kZ), '\0');
  EXPECT_EQ(Terminator(Form::kN), '\n');
  EXPECT_EQ(Terminator(Form::kOld), '\n');
  EXPECT_EQ(Reply(Form::kZ, 0, kPong), "PONG\0"s);
  EXPECT_EQ(Reply(Form::kN, 1, kPong), "1: PONG\n");
  EXPECT_EQ(Reply(Form::kOld, 0, kUnknownCommand), "UNKNOWN COMMAND\n");
  EXPECT_EQ(Reply(Form::kZ, 0, kUnknownCommand), "UNKNOWN COMMAND\0"s);
  EXPECT_EQ(Reply(Form::kN, 0, kReloading), "RELOADING\n");
  EXPECT_EQ(ReplyOk(Form::kZ, 0, "stream"), "stream: OK\0"s);
  EXPECT_EQ(ReplyOk(Form::kZ, 4, "/t/clean dir"), "4: /t/clean dir: OK\0"s);
  EXPECT_EQ(
      ReplyFound(Form::kN, 0, "/t/eicar.com", "Eicar-Signature.UNOFFICIAL"),
      "/t/eicar.com: Eicar-Signature.UNOFFICIAL FOUND\n");
  EXPECT_EQ(ReplyFound(Form::kZ, 5, "stream", "Eicar-Signature.UNOFFICIAL"),
            "5: stream: Eicar-Signature.UNOFFICIAL FOUND\0"s);
  EXPECT_EQ(ReplyFound(Form::kZ, 0, "fd[12]", "Eicar-Signature.UNOFFICIAL"),
            "fd[12]: Eicar-Signature.UNOFFICIAL FOUND\0"s);
  EXPECT_EQ(ReplyError(Form::kZ, 7, "/nonexistent",
                       "File path check failure: No such file or "
                       "directory."),
            "7: /nonexistent: File path check failure: No such file or "
            "directory. ERROR\0"s);
  EXPECT_EQ(ReplyError(Form::kN, 0, "/dev/null", "Not supported file type"),
            "/dev/null: Not supported file type ERROR\n");
  EXPECT_EQ(ReplyError(Form::kZ, 0, "", kInstreamTooLong),
            "INSTREAM size limit exceeded. ERROR\0"s);
  EXPECT_EQ(ReplyError(Form::kN, 2, "", kInstreamTooLong),
            "2: INSTREAM size limit exceeded. ERROR\n");
  EXPECT_EQ(ReplyError(Form::kZ, 2, "", kInvalidInSession),
            "2: Command invalid inside IDSESSION. ERROR\0"s);
  EXPECT_EQ(ReplyError(Form::kN, 0, "", kErrorProcessing),
            "Error processing command. ERROR\n");
  EXPECT_EQ(Reply(Form::kN, 0, kCommandReadTimedOut),
            "COMMAND READ TIMED OUT\n");
}

TEST(ClamdReply, OldStyleInSession) {
  // [obs] the literal two-character "\n" and "\0"; the terminator is the
  // session's previous command's.
  EXPECT_EQ(OldStyleInSessionReplies(Form::kZ, 1),
            "1: Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. "
            "ERROR\0"
            "1: Error processing command. ERROR\0"s);
  EXPECT_EQ(OldStyleInSessionReplies(Form::kN, 2),
            "2: Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION. "
            "ERROR\n"
            "2: Error processing command. ERROR\n");
  EXPECT_EQ(OldStyleInSessionReplies(1), OldStyleInSessionReplies(Form::kZ, 1));
}

class UtcTime : public testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz != nullptr) saved_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::string saved_;
  bool had_tz_ = false;
};

TEST_F(UtcTime, VersionBody) {
  // 2026-11-30 07:09:19 UTC.
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 1796022559),
            "ClamAV 1.4.6/27999/Mon Nov 30 07:09:19 2026");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 0, 1796022559), "ClamAV 1.4.6");
  // [obs] with a daily.cud whose build time was patched (TZ unset = UTC).
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 1793603359),
            "ClamAV 1.4.6/27999/Mon Nov  2 07:09:19 2026");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 0),
            "ClamAV 1.4.6/27999/Thu Jan  1 00:00:00 1970");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 2147483647),
            "ClamAV 1.4.6/27999/Tue Jan 19 03:14:07 2038");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 2147483648),
            "ClamAV 1.4.6/27999/invalid timestam");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 4294967295),
            "ClamAV 1.4.6/27999/invalid timestam");
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 1, -1),
            "ClamAV 1.4.6/1/invalid timestam");
}

TEST_F(UtcTime, VersionIsLocalTime) {
  setenv("TZ", "CET-1", 1);
  tzset();
  EXPECT_EQ(VersionBody("ClamAV 1.4.6", 27999, 1796022559),
            "ClamAV 1.4.6/27999/Mon Nov 30 08:09:19 2026");
}

TEST_F(UtcTime, VersionCommandsBody) {
  const std::string version = VersionBody("ClamAV 1.4.6", 27999, 1796022559);
  // [obs] exact, "| COMMANDS:" with no space before '|'.
  EXPECT_EQ(Reply(Form::kZ, 0, VersionCommandsBody(version)),
            "ClamAV 1.4.6/27999/Mon Nov 30 07:09:19 2026| COMMANDS: SCAN "
            "QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END SHUTDOWN "
            "MULTISCAN FILDES STATS IDSESSION INSTREAM DETSTATSCLEAR "
            "DETSTATS ALLMATCHSCAN\0"s);
  // [obs] with no daily database, inside a session.
  EXPECT_EQ(Reply(Form::kN, 2, VersionCommandsBody("ClamAV 1.4.6")),
            "2: ClamAV 1.4.6| COMMANDS: SCAN QUIT RELOAD PING CONTSCAN "
            "VERSIONCOMMANDS VERSION END SHUTDOWN MULTISCAN FILDES STATS "
            "IDSESSION INSTREAM DETSTATSCLEAR DETSTATS ALLMATCHSCAN\n");
  EXPECT_EQ(VersionCommandsBody("V", {Command::kStats, Command::kReload}),
            "V| COMMANDS: SCAN QUIT PING CONTSCAN VERSIONCOMMANDS VERSION "
            "END SHUTDOWN MULTISCAN FILDES IDSESSION INSTREAM DETSTATSCLEAR "
            "DETSTATS ALLMATCHSCAN");
}

PoolStats ObservedStats() {
  PoolStats s;
  s.live = 4;
  s.idle = 3;
  s.max = 4;
  s.idle_timeout = 30;
  s.threads = {
      {"IDLE", 10.552837, ""}, {"STATS", 0.000001, ""}, {"IDLE", 0.201612, ""}};
  s.pools = 1;
  s.pools_used = 5.899;
  s.pools_total = 5.980;
  return s;
}

TEST(ClamdStats, ExactText) {
  // [obs] clamav.md 1.6, z form.
  EXPECT_EQ(StatsReply(Form::kZ, 0, ObservedStats()),
            "POOLS: 1\n"
            "\n"
            "STATE: VALID PRIMARY\n"
            "THREADS: live 4  idle 3 max 4 idle-timeout 30\n"
            "QUEUE: 0 items\n"
            "\tIDLE 10.552837 \n"
            "\tSTATS 0.000001 \n"
            "\tIDLE 0.201612 \n"
            "\n"
            "MEMSTATS: heap N/A mmap N/A used N/A free N/A releasable N/A "
            "pools 1 pools_used 5.899M pools_total 5.980M\n"
            "END\0"s);
}

TEST(ClamdStats, SessionPrefixOnceAndNForm) {
  // [obs] "zIDSESSION\0zSTATS\0zEND\0" -> "1: POOLS: 1\n...END\0".
  PoolStats s;
  s.live = 1;
  s.max = 4;
  s.idle_timeout = 30;
  s.threads = {{"STATS", 0.000005, ""}};
  s.pools_used = 5.883;
  s.pools_total = 5.964;
  EXPECT_EQ(StatsReply(Form::kZ, 1, s),
            "1: POOLS: 1\n\nSTATE: VALID PRIMARY\nTHREADS: live 1  idle 0 max "
            "4 idle-timeout 30\nQUEUE: 0 items\n\tSTATS 0.000005 \n\nMEMSTATS:"
            " heap N/A mmap N/A used N/A free N/A releasable N/A pools 1 "
            "pools_used 5.883M pools_total 5.964M\nEND\0"s);
  const std::string n = StatsReply(Form::kN, 2, s);
  EXPECT_EQ(n.substr(0, 12), "2: POOLS: 1\n");
  EXPECT_EQ(n.substr(n.size() - 5), "\nEND\n");
}

TEST(ClamdStats, QueueFilenamesAndMemory) {
  PoolStats s = ObservedStats();
  s.queue_items = 2;
  s.min_wait = 0.001;
  s.max_wait = 1.5;
  s.avg_wait = 0.7505;
  s.threads = {{"SCAN", 2.25, "/srv/big file.iso"},
               {"INSTREAM", 0, "instream(local)"}};
  s.heap = 12.5;
  s.mmap = 0;
  s.used = 10.25;
  s.free = 2.25;
  s.releasable = 0.0005;
  EXPECT_EQ(StatsReply(Form::kN, 0, s),
            "POOLS: 1\n\nSTATE: VALID PRIMARY\n"
            "THREADS: live 4  idle 3 max 4 idle-timeout 30\n"
            "QUEUE: 2 items min_wait: 0.001000 max_wait: 1.500000 avg_wait: "
            "0.750500\n"
            "\tSCAN 2.250000 /srv/big file.iso\n"
            "\tINSTREAM 0.000000 instream(local)\n"
            "\n"
            "MEMSTATS: heap 12.500M mmap 0.000M used 10.250M free 2.250M "
            "releasable 0.001M pools 1 pools_used 5.899M pools_total 5.980M\n"
            "END\n");
}

std::string Header(uint32_t n) {
  return std::string{static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                     static_cast<char>(n >> 8), static_cast<char>(n)};
}

using State = InstreamDecoder::State;

// Feeds `input` in pieces of `piece` bytes (the whole of it when 0) until
// the decoder stops; returns the payload and sets the final state and the
// bytes consumed in all.
std::string Decode(InstreamDecoder& d, const std::string& input, size_t piece,
                   State* state, size_t* consumed) {
  std::string payload;
  size_t pos = 0;
  *state = State::kData;
  while (pos < input.size()) {
    const size_t n =
        piece == 0 ? input.size() - pos : std::min(piece, input.size() - pos);
    std::string_view window(input.data() + pos, n);
    while (!window.empty()) {
      const InstreamDecoder::Step step = d.Feed(window);
      EXPECT_LE(step.consumed, window.size());
      EXPECT_GT(step.consumed, 0u);
      payload.append(step.payload);
      pos += step.consumed;
      window.remove_prefix(step.consumed);
      if (step.state != State::kData) {
        *state = step.state;
        *consumed = pos;
        return payload;
      }
    }
  }
  *consumed = pos;
  return payload;
}

TEST(ClamdInstream, EmptyStream) {
  InstreamDecoder d(1 << 20);
  const InstreamDecoder::Step step = d.Feed("\0\0\0\0zPING\0"s);
  EXPECT_EQ(step.state, State::kDone);
  EXPECT_EQ(step.consumed, 4u);
  EXPECT_TRUE(step.payload.empty());
  EXPECT_EQ(d.received(), 0u);
  // Done stays done and consumes nothing more.
  EXPECT_EQ(d.Feed("zPING\0"s).state, State::kDone);
  EXPECT_EQ(d.Feed("zPING\0"s).consumed, 0u);
}

TEST(ClamdInstream, LimitIsInclusive) {
  // [obs] StreamMaxLength 1M: 1048576 bytes in one chunk -> stream: OK.
  const std::string data(1 << 20, 'x');
  for (size_t piece : {0, 4096, 65536}) {
    InstreamDecoder d(1 << 20);
    State state;
    size_t consumed;
    const std::string in = Header(1 << 20) + data + Header(0) + "garbage";
    EXPECT_EQ(Decode(d, in, piece, &state, &consumed), data);
    EXPECT_EQ(state, State::kDone);
    EXPECT_EQ(consumed, in.size() - 7);
    EXPECT_EQ(d.received(), 1u << 20);
  }
}

TEST(ClamdInstream, OverLimitAtTheHeader) {
  // [obs] 1048577 bytes in one chunk: the error comes with the header.
  InstreamDecoder d(1 << 20);
  const InstreamDecoder::Step step = d.Feed(Header((1 << 20) + 1) + "x");
  EXPECT_EQ(step.state, State::kTooLong);
  EXPECT_EQ(step.consumed, 4u);
  EXPECT_TRUE(step.payload.empty());
  EXPECT_EQ(d.Feed("x").state, State::kTooLong);
  EXPECT_EQ(d.Feed("x").consumed, 0u);
}

TEST(ClamdInstream, OverLimitAcrossChunks) {
  // [obs] 600000 + 600000 bytes -> error at the second header.
  InstreamDecoder d(1 << 20);
  State state;
  size_t consumed;
  const std::string first(600000, 'a');
  const std::string in = Header(600000) + first + Header(600000) + "b";
  EXPECT_EQ(Decode(d, in, 1000, &state, &consumed), first);
  EXPECT_EQ(state, State::kTooLong);
  EXPECT_EQ(consumed, 600008u);
  // Exactly the limit over two chunks is fine, then one more byte is not.
  InstreamDecoder e(10);
  EXPECT_EQ(Decode(e, Header(4) + "abcd" + Header(6) + "efghij" + Header(1), 0,
                   &state, &consumed),
            "abcdefghij");
  EXPECT_EQ(state, State::kTooLong);
}

TEST(ClamdInstream, MaxHeaderIsTooLongImmediately) {
  // [obs] header 0xFFFFFFFF, no data -> size limit exceeded at once.
  InstreamDecoder d(1 << 20);
  const InstreamDecoder::Step step = d.Feed("\xff\xff\xff\xff");
  EXPECT_EQ(step.state, State::kTooLong);
  EXPECT_EQ(step.consumed, 4u);
  // Even with a limit above 4 GiB the length itself is fine.
  InstreamDecoder big(uint64_t{1} << 40);
  EXPECT_EQ(big.Feed("\xff\xff\xff\xff").state, State::kData);
}

TEST(ClamdInstream, ZeroLimit) {
  InstreamDecoder d(0);
  EXPECT_EQ(d.Feed(Header(1)).state, State::kTooLong);
  InstreamDecoder e(0);
  EXPECT_EQ(e.Feed(Header(0)).state, State::kDone);
}

TEST(ClamdInstream, OneByteChunksAndSplitHeaders) {
  // [obs] 1-byte chunks, and a header sent one byte per packet, work.
  std::string in;
  const std::string text = "hello, one byte at a time";
  for (char ch : text) in += Header(1) + ch;
  in += Header(0);
  for (size_t piece : {1, 2, 3, 5, 7}) {
    InstreamDecoder d(text.size());
    State state;
    size_t consumed;
    EXPECT_EQ(Decode(d, in, piece, &state, &consumed), text) << piece;
    EXPECT_EQ(state, State::kDone);
    EXPECT_EQ(consumed, in.size());
  }
  InstreamDecoder d(100);
  EXPECT_EQ(d.Feed("\0"s).consumed, 1u);
  EXPECT_EQ(d.Feed("\0"s).consumed, 1u);
  EXPECT_EQ(d.Feed("\0"s).consumed, 1u);
  InstreamDecoder::Step step = d.Feed("\5hel");
  EXPECT_EQ(step.state, State::kData);
  EXPECT_EQ(step.consumed, 4u);
  EXPECT_EQ(step.payload, "hel");
  step = d.Feed("lo\0\0");
  EXPECT_EQ(step.payload, "lo");
  EXPECT_EQ(step.consumed, 2u);  // stops at the chunk boundary
  step = d.Feed("\0\0\0\0"s);
  EXPECT_EQ(step.state, State::kDone);
}

TEST(ClamdInstream, RandomSplits) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    std::string in, expected;
    const int chunks = static_cast<int>(rng() % 6);
    for (int c = 0; c < chunks; ++c) {
      const uint32_t len = 1 + rng() % 300;
      std::string data(len, '\0');
      for (char& ch : data) ch = static_cast<char>(rng());
      in += Header(len) + data;
      expected += data;
    }
    in += Header(0);
    std::string payload;
    InstreamDecoder d(expected.size());
    size_t pos = 0;
    State state = State::kData;
    while (pos < in.size() && state == State::kData) {
      const size_t n = std::min<size_t>(1 + rng() % 50, in.size() - pos);
      const InstreamDecoder::Step step =
          d.Feed(std::string_view(in).substr(pos, n));
      ASSERT_GT(step.consumed, 0u);
      ASSERT_LE(step.consumed, n);
      payload.append(step.payload);
      pos += step.consumed;
      state = step.state;
    }
    EXPECT_EQ(state, State::kDone);
    EXPECT_EQ(pos, in.size());
    EXPECT_EQ(payload, expected);
    EXPECT_EQ(d.received(), expected.size());
  }
}

}  // namespace
}  // namespace vigil::protocol
