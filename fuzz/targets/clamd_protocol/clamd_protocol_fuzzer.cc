// Fuzzes the clamd codec (src/protocol/clamd.h). The first byte chooses the
// mode:
//   bit 0: packet_complete, bit 1: in_session, bits 2-3: the line limit
//   (4104, or small ones so that the limit paths are reached),
//   bit 4: the rest is an INSTREAM payload instead of command bytes.
// Commands: ParseCommand's result must be consistent with the bytes (a
// request's text lies inside what it consumed, a z/n result does not change
// when more bytes follow, ConsumeCommand keeps the sizes right) and every
// reply builder must accept what was parsed. INSTREAM: the payload is fed
// in pieces whose sizes come from the input, and the result must be the
// same as feeding it whole: same stream bytes, same end, same position.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "protocol/clamd.h"

namespace {

namespace proto = vigil::protocol;
using Kind = proto::ParseResult::Kind;

void Check(bool ok) {
  if (!ok) std::abort();
}

bool SameResult(const proto::ParseResult& a, const proto::ParseResult& b) {
  if (a.kind != b.kind || a.consumed != b.consumed || a.form != b.form ||
      a.rewrite != b.rewrite ||
      a.request.has_value() != b.request.has_value()) {
    return false;
  }
  if (!a.request) return true;
  return a.request->command == b.request->command &&
         a.request->form == b.request->form &&
         a.request->argument == b.request->argument;
}

void CheckRequest(std::string_view in, const proto::ParseResult& r,
                  bool in_session, size_t limit) {
  Check(r.request.has_value());
  const proto::Request& req = *r.request;
  Check(req.form == r.form);
  Check(r.consumed > 0 && r.consumed <= in.size() && r.consumed <= limit);
  Check(req.argument.find('\0') == std::string::npos);
  Check(req.argument.size() + 2 <= r.consumed);
  if (!proto::TakesPath(req.command)) Check(req.argument.empty());
  if (r.form == proto::Form::kOld) Check(proto::AllowedOldStyle(req.command));
  if (req.command == proto::Command::kEnd) Check(in_session);
  // The name is where it should be.
  const size_t start = r.form == proto::Form::kOld ? 0 : 1;
  Check(in.substr(start).starts_with(proto::CommandName(req.command)));
  // Replies to it are well formed.
  const char term = proto::Terminator(req.form);
  const std::string ok = proto::ReplyOk(req.form, 7, req.argument);
  Check(!ok.empty() && ok.back() == term && ok.starts_with("7: "));
  Check(proto::ReplyFound(req.form, 0, req.argument, "X").back() == term);
  Check(proto::ReplyError(req.form, 0, req.argument, "E").back() == term);
  Check(proto::OldStyleInSessionReplies(req.form, 3).size() > 2);
}

void FuzzCommand(uint8_t mode, std::string_view in) {
  static constexpr size_t kLimits[] = {proto::kMaxCommandLength, 1, 7, 64};
  const bool packet_complete = (mode & 1) != 0;
  const bool in_session = (mode & 2) != 0;
  const size_t limit = kLimits[(mode >> 2) & 3];
  const proto::ParseResult r =
      proto::ParseCommand(in, packet_complete, in_session, limit);
  Check(SameResult(
      r, proto::ParseCommand(in, packet_complete, in_session, limit)));
  switch (r.kind) {
    case Kind::kNeedMore:
      Check(r.consumed == 0 && !r.request && r.rewrite.empty());
      Check(in.size() < limit || in.empty() || !(in[0] == 'z' || in[0] == 'n'));
      break;
    case Kind::kRequest:
      CheckRequest(in, r, in_session, limit);
      break;
    case Kind::kUnknown:
      Check(!r.request);
      Check(proto::Reply(r.form, 0, proto::kUnknownCommand).size() == 16);
      break;
    case Kind::kTooLong:
      Check(!r.request && in.size() >= limit);
      Check(in[0] == 'z' || in[0] == 'n');
      break;
    case Kind::kOldStyleInSession:
      Check(in_session && packet_complete && r.form == proto::Form::kOld);
      break;
  }
  const bool delimited = r.kind == Kind::kRequest || r.kind == Kind::kUnknown;
  if (delimited && r.form != proto::Form::kOld) {
    // The n-form rewrite covers the rest of the line, terminator included.
    Check(r.consumed + r.rewrite.size() <= in.size());
    const char term = proto::Terminator(r.form);
    Check(in[r.consumed + r.rewrite.size() - 1] == term);
    // More bytes after a complete z/n command change nothing.
    std::string longer(in);
    longer += "zPING";
    longer.push_back('\0');
    Check(SameResult(
        r, proto::ParseCommand(longer, packet_complete, in_session, limit)));
    std::string buffer(in);
    proto::ConsumeCommand(buffer, r);
    Check(buffer.size() == in.size() - r.consumed);
    Check(std::string_view(buffer).substr(r.rewrite.size()) ==
          in.substr(r.consumed + r.rewrite.size()));
  }
}

// Decodes `in` in one call per chunk boundary: the reference result.
struct Decoded {
  proto::InstreamDecoder::State state = proto::InstreamDecoder::State::kData;
  size_t consumed = 0;
  std::string payload;
};

Decoded Decode(uint64_t limit, std::string_view in, const uint8_t* splits,
               size_t nsplits) {
  proto::InstreamDecoder d(limit);
  Decoded out;
  size_t next_split = 0;
  while (out.consumed < in.size()) {
    size_t piece = in.size() - out.consumed;
    if (nsplits > 0) {
      piece = std::min<size_t>(piece, 1 + splits[next_split++ % nsplits]);
    }
    const std::string_view window = in.substr(out.consumed, piece);
    const proto::InstreamDecoder::Step step = d.Feed(window);
    Check(step.consumed <= window.size());
    Check(step.payload.size() <= step.consumed);
    if (!step.payload.empty()) {
      // The stream bytes are the last ones consumed.
      Check(step.payload.data() + step.payload.size() ==
            window.data() + step.consumed);
    }
    out.payload.append(step.payload);
    out.consumed += step.consumed;
    Check(d.received() == out.payload.size());
    Check(out.payload.size() <= limit);
    if (step.state != proto::InstreamDecoder::State::kData) {
      out.state = step.state;
      const proto::InstreamDecoder::Step again = d.Feed(window);
      Check(again.consumed == 0 && again.state == step.state);
      break;
    }
    Check(step.consumed > 0);  // progress
  }
  return out;
}

void FuzzInstream(std::string_view in) {
  if (in.size() < 2) return;
  // Limit: 0..65535 bytes, or above 4 GiB when the first byte is 0xff.
  uint64_t limit =
      (static_cast<uint8_t>(in[0]) << 8) | static_cast<uint8_t>(in[1]);
  if (static_cast<uint8_t>(in[0]) == 0xff) limit = uint64_t{1} << 33;
  in.remove_prefix(2);
  // The last 8 bytes also choose the piece sizes.
  const uint8_t* splits = reinterpret_cast<const uint8_t*>(in.data()) +
                          (in.size() > 8 ? in.size() - 8 : 0);
  const size_t nsplits = std::min<size_t>(in.size(), 8);
  const Decoded whole = Decode(limit, in, nullptr, 0);
  const Decoded pieces = Decode(limit, in, splits, nsplits);
  Check(whole.state == pieces.state);
  Check(whole.consumed == pieces.consumed);
  Check(whole.payload == pieces.payload);
}

void FuzzReplies(std::string_view in) {
  if (in.size() < 16) return;
  uint32_t version = 0;
  int64_t when = 0;
  std::memcpy(&version, in.data(), sizeof version);
  std::memcpy(&when, in.data() + 4, sizeof when);
  const std::string body = proto::VersionBody("ClamAV 1.4.6", version, when);
  Check(body.starts_with("ClamAV 1.4.6"));
  Check(proto::VersionCommandsBody(body).starts_with(body + "| COMMANDS: "));
  proto::PoolStats s;
  double seconds = 0;
  std::memcpy(&seconds, in.data() + 8, sizeof seconds);
  s.queue_items = static_cast<uint8_t>(in[12]);
  s.min_wait = s.max_wait = s.avg_wait = seconds;
  s.threads.push_back({"SCAN", seconds, std::string(in.substr(16))});
  if (in[13] & 1) s.heap = s.mmap = s.used = s.free = s.releasable = seconds;
  s.pools_used = s.pools_total = seconds;
  const std::string stats = proto::StatsReply(proto::Form::kZ, 2, s);
  Check(stats.starts_with("2: POOLS: 1\n") &&
        stats.ends_with(std::string_view("\nEND\0", 5)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode & 0x10) {
    FuzzInstream(in);
  } else {
    FuzzCommand(mode, in);
  }
  if (mode & 0x20) FuzzReplies(in);
  return 0;
}
