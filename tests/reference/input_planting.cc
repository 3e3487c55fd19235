// Whole inputs: random binary data with instances of signatures planted.
#include <algorithm>
#include <cstdio>
#include <string>

#include "reference/input_generator.h"

namespace vigil::reference {
namespace {

using Op = sigs::ByteCompare::Comparison::Op;
using Base = sigs::ByteCompare::Base;

uint64_t MaxEncodable(const sigs::ByteCompare& bc) {
  uint64_t digits = bc.num_bytes;
  switch (bc.base) {
    case Base::kRaw:
      return bc.num_bytes >= 8 ? UINT64_MAX
                               : (uint64_t{1} << (8 * bc.num_bytes)) - 1;
    case Base::kHex:
      return digits >= 16 ? UINT64_MAX : (uint64_t{1} << (4 * digits)) - 1;
    case Base::kAuto:
      digits = digits >= 2 ? digits - 2 : 0;
      break;
    case Base::kDecimal:
      break;
  }
  uint64_t v = 1;
  for (uint64_t i = 0; i < digits && i < 19; ++i) v *= 10;
  return v - 1;
}

// A value that satisfies the comparisons most of the time.
uint64_t PickValue(const sigs::ByteCompare& bc, Rng& rng) {
  uint64_t max = MaxEncodable(bc);
  if (bc.comparisons.empty() || rng.Chance(0.3)) return rng.Uniform(0, max);
  if (bc.comparisons.size() == 2) {
    uint64_t lo = bc.comparisons[0].value + 1;
    uint64_t hi = bc.comparisons[1].value;
    return lo < hi ? rng.Uniform(lo, hi - 1) : lo;
  }
  const auto& c = bc.comparisons[0];
  switch (c.op) {
    case Op::kEqual:
      return c.value;
    case Op::kGreater:
      return c.value < max
                 ? rng.Uniform(c.value + 1, std::min(max, c.value + 1000))
                 : max;
    case Op::kLess:
      return c.value > 0
                 ? rng.Uniform(c.value > 1000 ? c.value - 1000 : 0, c.value - 1)
                 : 0;
  }
  return 0;
}

std::string Digits(uint64_t v, size_t n, bool hex) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.insert(s.begin(), "0123456789abcdef"[v % (hex ? 16 : 10)]);
    v /= hex ? 16 : 10;
  }
  return s;
}

std::vector<uint8_t> EncodeValue(const sigs::ByteCompare& bc, uint64_t v) {
  std::vector<uint8_t> out;
  size_t n = bc.num_bytes;
  std::string text;
  switch (bc.base) {
    case Base::kRaw:
      for (size_t i = 0; i < n; ++i) {
        size_t shift = 8 * (bc.little_endian ? i : n - 1 - i);
        out.push_back(static_cast<uint8_t>(shift < 64 ? v >> shift : 0));
      }
      return out;
    case Base::kHex:
      text = Digits(v, n, true);
      if (bc.little_endian) {  // byte pairs least significant first
        std::string swapped;
        for (size_t i = text.size(); i >= 2; i -= 2)
          swapped += text.substr(i - 2, 2);
        text = swapped;
      }
      break;
    case Base::kDecimal:
      text = Digits(v, n, false);
      break;
    case Base::kAuto:
      text = "0x" + Digits(v, n >= 2 ? n - 2 : 0, true);
      break;
  }
  return {text.begin(), text.end()};
}

void PlantByteCompare(const sigs::ByteCompare& bc, size_t trigger_start,
                      std::vector<uint8_t>* data, Rng& rng) {
  int64_t pos = static_cast<int64_t>(trigger_start) + bc.offset;
  std::vector<uint8_t> bytes = EncodeValue(bc, PickValue(bc, rng));
  if (pos < static_cast<int64_t>(sizeof kBinaryPrefix) ||
      static_cast<size_t>(pos) + bytes.size() > data->size()) {
    return;
  }
  std::copy(bytes.begin(), bytes.end(), data->begin() + pos);
}

std::optional<size_t> PlantInstance(const sigs::Offset& offset, Instance inst,
                                    std::vector<uint8_t>* data, Rng& rng,
                                    bool near_miss, bool nocase) {
  bool missed = near_miss && MakeNearMiss(&inst, rng, nocase);
  auto pos = RandomStart(offset, data->size(), inst, rng);
  if (!pos || !Plant(data, inst, *pos)) return std::nullopt;
  return missed ? std::nullopt : pos;
}

}  // namespace

void PlantBody(const sigs::BodySig& sig, std::vector<uint8_t>* data, Rng& rng,
               double near_miss) {
  PlantInstance(sig.offset, MakeInstance(sig.pattern, rng), data, rng,
                rng.Chance(near_miss), false);
}

void PlantLogical(const sigs::LogicalSig& sig, std::vector<uint8_t>* data,
                  Rng& rng, double near_miss) {
  static const std::vector<int> kCopies = {0, 1, 1, 1, 1, 2, 2, 3};
  std::vector<std::vector<size_t>> starts(sig.subsigs.size());
  for (size_t i = 0; i < sig.subsigs.size(); ++i) {
    const sigs::Subsig& sub = sig.subsigs[i];
    if (sub.kind == sigs::Subsig::Kind::kBody) {
      for (int k = rng.Pick(kCopies); k > 0; --k) {
        auto pos =
            PlantInstance(sub.offset, MakeSubsigInstance(sub, rng), data, rng,
                          rng.Chance(near_miss), sub.modifiers.nocase);
        if (pos) starts[i].push_back(*pos);
      }
    } else if (sub.kind == sigs::Subsig::Kind::kPcre) {
      for (int k = rng.Pick(kCopies); k > 0; --k) {
        auto inst = MakeRegexInstance(sub.pcre.regex, rng);
        if (inst)
          PlantInstance(sub.pcre.offset, *inst, data, rng, false, false);
      }
    }
  }
  for (const sigs::Subsig& sub : sig.subsigs) {
    if (sub.kind != sigs::Subsig::Kind::kByteCompare) continue;
    const auto& trig = starts[sub.byte_compare.trigger];
    if (!trig.empty())
      PlantByteCompare(sub.byte_compare, trig.back(), data, rng);
  }
}

std::vector<uint8_t> MakeInput(const sigs::SignatureSet& set, Rng& rng,
                               const InputOptions& options) {
  std::vector<uint8_t> data =
      RandomBinary(rng, rng.Uniform(options.min_size, options.max_size));
  for (uint64_t k = rng.Uniform(0, options.max_plants); k > 0; --k) {
    bool body =
        !set.bodies.empty() && (set.logicals.empty() || rng.Chance(0.4));
    if (body) {
      PlantBody(rng.Pick(set.bodies), &data, rng, options.near_miss);
    } else if (!set.logicals.empty()) {
      PlantLogical(rng.Pick(set.logicals), &data, rng, options.near_miss);
    }
  }
  return data;
}

}  // namespace vigil::reference
