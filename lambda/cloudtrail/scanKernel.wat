;; The record scanner's inner loop (recordScanner.ts): walks one JSON object from where it stopped to its end,
;; noting where each top-level key and value lies, tracking strings exactly (quotes, escapes) so text inside a
;; string never counts as structure. Strings are skipped 16 bytes at a time with SIMD.
;;
;; Memory (laid out by recordScanner.ts):
;;   [0, 32)                 state, i32 each: 0 position, 1 record start, 2 depth, 3 top-level keys so far,
;;                           4 flags (1 expect a key, 2 a key was escaped, 4 nested too deep, 8 capture keys,
;;                           16 a key contains a dot, 32 expect ':', 64 expect a value; none of 1/32/64: expect
;;                           ',' or '}'; 128 the key index below is not usable), 5 eventName slot, 6 eventSource
;;                           slot (-1: none), 7 how far the string or scalar at the position was already checked
;;                           (0: not started), plus 1<<30 when that string held an escape: a long token cut by
;;                           chunks is not checked again
;;   [SLOTS, SLOTS+24*MAX)   per top-level key: key start, key end, value start, value end (relative to the
;;                           record start), flags (1 key escaped, 2 value escaped), key hash (keyHash in
;;                           scanKernel.ts: a field is looked up by comparing hashes before bytes)
;;   [KEYS, KEYS+4*64)       the key index of the record: by key hash (open addressing), key slot + 1 (0 empty);
;;                           dropped (flag 128) past 32 keys or when two keys share a hash (a duplicate key)
;;   [TABLE, TABLE+8*16384)  the values table (intern, below): per slot a text's hash and its arena address + 1
;;   [ARENA, ARENA+1 MB)     the texts the table holds: length (i32), then the bytes, 4-byte aligned
;;   [data, data+len+16)     the bytes being scanned, then 16 bytes of slack for the 16-byte loads
;; Build: `npm run build:wasm` turns this file into scanKernel.wasm.ts (checked by test/cloudtrail/scanKernel.test.ts).
(module
  (memory (export "memory") 1)

  (global $SLOTS i32 (i32.const 32))
  (global $MAX_KEYS i32 (i32.const 65536))
  ;; KEYS = SLOTS + 24 * MAX_KEYS; values table: TABLE = KEYS + 256, ARENA = TABLE + 8 * TABLE_SLOTS,
  ;; ARENA_END = ARENA + 1 MB
  (global $KEYS i32 (i32.const 1572896))
  (global $KEYS_MAX i32 (i32.const 32))
  (global $KEYS_UNINDEXED i32 (i32.const 128))
  (global $TABLE i32 (i32.const 1573152))
  (global $TABLE_SLOTS i32 (i32.const 16384))
  ;; texts held before the table counts as full: half its slots, so probe runs stay short
  (global $TABLE_MAX i32 (i32.const 8192))
  (global $MAX_PROBES i32 (i32.const 32))
  (global $ARENA i32 (i32.const 1704224))
  (global $ARENA_END i32 (i32.const 2752800))
  ;; for scanKernel.ts to check its layout against (test/cloudtrail/scanKernel.test.ts)
  (export "KEYS" (global $KEYS))
  (export "TABLE_SLOTS" (global $TABLE_SLOTS))
  (export "ARENA_END" (global $ARENA_END))
  (global $arenaTop (mut i32) (i32.const 1704224))
  (global $entries (mut i32) (i32.const 0))
  ;; per instance (seedTable), so texts sharing a hash cannot be prepared in advance
  (global $seed (mut i64) (i64.const 0))

  ;; state flags
  (global $EXPECT_KEY i32 (i32.const 1))
  (global $KEY_ESCAPED i32 (i32.const 2))
  (global $TOO_DEEP i32 (i32.const 4))
  (global $CAPTURE i32 (i32.const 8))
  (global $DOTTED_KEY i32 (i32.const 16))
  (global $EXPECT_COLON i32 (i32.const 32))
  (global $EXPECT_VALUE i32 (i32.const 64))
  ;; EXPECT_KEY | EXPECT_COLON | EXPECT_VALUE
  (global $EXPECTING i32 (i32.const 97))

  ;; Ends a number, true, false or null.
  (func $isDelimiter (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 0x2c)) (i32.eq (local.get $c) (i32.const 0x7d)))
      (i32.or (i32.eq (local.get $c) (i32.const 0x5d))
        (i32.or
          (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
          (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09)))))))

  ;; Continues the object described by the state block up to $len (exclusive). The top level of a record is
  ;; checked token by token (key, ':', value, ',' or '}'); nested values only for strings and brackets (they are
  ;; parsed, and so validated, when a rule reads them). Returns
  ;;   0 need more input (position: where to resume), 1 object complete (position: just after it),
  ;;   2 a byte that does not fit the top level (position: that byte; flags: what was expected),
  ;;   3 past $limit (record too large), 4 more than MAX_KEYS top-level keys,
  ;;   5 a control character inside a string (position: that byte).
  (func (export "scanObject") (param $len i32) (param $limit i32) (param $maxNesting i32) (result i32)
    (local $p i32) (local $start i32) (local $depth i32) (local $keys i32) (local $flags i32)
    (local $nameSlot i32) (local $sourceSlot i32)
    (local $c i32) (local $q i32) (local $s i32) (local $o i32) (local $status i32) (local $top i32)
    (local $m i32) (local $v v128) (local $escaped i32) (local $k i32) (local $resume i32)
    (local $klen i32) (local $w0 i64) (local $w1 i64) (local $h i64) (local $kh i32) (local $e i32)
    (local.set $p (i32.load (i32.const 0)))
    (local.set $start (i32.load (i32.const 4)))
    (local.set $depth (i32.load (i32.const 8)))
    (local.set $keys (i32.load (i32.const 12)))
    (local.set $flags (i32.load (i32.const 16)))
    (local.set $nameSlot (i32.load (i32.const 20)))
    (local.set $sourceSlot (i32.load (i32.const 24)))
    (local.set $resume (i32.load (i32.const 28)))
    (block $exit
      (loop $token
        (if (i32.ge_u (local.get $p) (local.get $len)) (then (local.set $status (i32.const 0)) (br $exit)))
        (if (i32.gt_u (local.get $p) (local.get $limit)) (then (local.set $status (i32.const 3)) (br $exit)))
        (local.set $c (i32.load8_u (local.get $p)))
        ;; $top: at the top level of a record being captured
        (local.set $top (i32.and
          (i32.eq (local.get $depth) (i32.const 1))
          (i32.ne (i32.and (local.get $flags) (global.get $CAPTURE)) (i32.const 0))))
        (local.set $o (i32.add (global.get $SLOTS) (i32.mul (local.get $keys) (i32.const 24))))
        (if (i32.eq (local.get $c) (i32.const 0x22)) (then
          ;; The closing quote: the first '"' not taken by a backslash escape, found 16 bytes at a time.
          (local.set $q (i32.add (local.get $p) (i32.const 1)))
          (local.set $escaped (i32.const 0))
          (if (local.get $resume) (then
            (local.set $q (i32.add (local.get $p) (i32.and (local.get $resume) (i32.const 0x3fffffff))))
            (local.set $escaped (i32.shr_u (local.get $resume) (i32.const 30)))
            (local.set $resume (i32.const 0))))
          (block $closed
            (loop $block
              (if (i32.ge_u (local.get $q) (local.get $len)) (then
                (local.set $resume (i32.or (i32.sub (local.get $q) (local.get $p)) (i32.shl (local.get $escaped) (i32.const 30))))
                (local.set $status (i32.const 0))
                (br $exit)))
              (local.set $v (v128.load (local.get $q)))
              (local.set $m (i8x16.bitmask (v128.or
                (v128.or
                  (i8x16.eq (local.get $v) (v128.const i8x16 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34 34))
                  (i8x16.eq (local.get $v) (v128.const i8x16 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92 92)))
                (i8x16.lt_u (local.get $v) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))))
              (if (i32.eqz (local.get $m)) (then
                ;; past $len the 16 bytes were slack, not checked: stop at $len
                (local.set $q (select (local.get $len) (i32.add (local.get $q) (i32.const 16))
                  (i32.gt_u (i32.add (local.get $q) (i32.const 16)) (local.get $len))))
                (br $block)))
              (local.set $q (i32.add (local.get $q) (i32.ctz (local.get $m))))
              (if (i32.ge_u (local.get $q) (local.get $len)) (then
                (local.set $resume (i32.or (i32.sub (local.get $len) (local.get $p)) (i32.shl (local.get $escaped) (i32.const 30))))
                (local.set $status (i32.const 0))
                (br $exit)))
              (local.set $k (i32.load8_u (local.get $q)))
              (br_if $closed (i32.eq (local.get $k) (i32.const 0x22)))
              (if (i32.lt_u (local.get $k) (i32.const 0x20)) (then
                (local.set $p (local.get $q))
                (local.set $status (i32.const 5))
                (br $exit)))
              (local.set $escaped (i32.const 1))
              (local.set $q (i32.add (local.get $q) (i32.const 2)))
              (br $block)))
          (if (local.get $top) (then
            (if (i32.and (local.get $flags) (global.get $EXPECT_KEY))
              (then
                (if (i32.ge_u (local.get $keys) (global.get $MAX_KEYS)) (then (local.set $status (i32.const 4)) (br $exit)))
                (i32.store (local.get $o) (i32.sub (i32.add (local.get $p) (i32.const 1)) (local.get $start)))
                (i32.store offset=4 (local.get $o) (i32.sub (local.get $q) (local.get $start)))
                (i32.store offset=16 (local.get $o) (local.get $escaped))
                (if (local.get $escaped) (then (local.set $flags (i32.or (local.get $flags) (global.get $KEY_ESCAPED)))))
                ;; the key's hash: its first and last 8 bytes (zero-padded when shorter) and its length
                (local.set $klen (i32.sub (i32.sub (local.get $q) (local.get $p)) (i32.const 1)))
                (local.set $w0 (i64.load (i32.add (local.get $p) (i32.const 1))))
                (if (i32.lt_u (local.get $klen) (i32.const 8))
                  (then
                    (local.set $w0 (i64.and (local.get $w0)
                      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $klen) (i32.const 3)))) (i64.const 1))))
                    (local.set $w1 (local.get $w0)))
                  (else (local.set $w1 (i64.load (i32.sub (local.get $q) (i32.const 8))))))
                (local.set $h (i64.xor
                  (i64.xor (i64.mul (local.get $w0) (i64.const 0x9e3779b97f4a7c15)) (i64.mul (local.get $w1) (i64.const 0xc2b2ae3d27d4eb4f)))
                  (i64.extend_i32_u (local.get $klen))))
                (local.set $kh (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32)))))
                (i32.store offset=20 (local.get $o) (local.get $kh))
                ;; the key index: emptied at a record's first key, filled while it has room and no hash repeats
                (if (i32.eqz (local.get $keys)) (then (memory.fill (global.get $KEYS) (i32.const 0) (i32.const 256))))
                (if (i32.ge_u (local.get $keys) (global.get $KEYS_MAX)) (then
                  (local.set $flags (i32.or (local.get $flags) (global.get $KEYS_UNINDEXED)))))
                (if (i32.eqz (i32.and (local.get $flags) (global.get $KEYS_UNINDEXED))) (then
                  (local.set $k (i32.and (local.get $kh) (i32.const 63)))
                  (block $placed
                    (loop $probe
                      (local.set $e (i32.load (i32.add (global.get $KEYS) (i32.shl (local.get $k) (i32.const 2)))))
                      (if (i32.eqz (local.get $e)) (then
                        (i32.store (i32.add (global.get $KEYS) (i32.shl (local.get $k) (i32.const 2))) (i32.add (local.get $keys) (i32.const 1)))
                        (br $placed)))
                      (if (i32.eq (i32.load offset=20 (i32.add (global.get $SLOTS) (i32.mul (i32.sub (local.get $e) (i32.const 1)) (i32.const 24)))) (local.get $kh)) (then
                        (local.set $flags (i32.or (local.get $flags) (global.get $KEYS_UNINDEXED)))
                        (br $placed)))
                      (local.set $k (i32.and (i32.add (local.get $k) (i32.const 1)) (i32.const 63)))
                      (br $probe)))))
                ;; a dot in a key: a dotted rule path may then name a top-level key literally (16 bytes at a time)
                (if (i32.eqz (i32.and (local.get $flags) (global.get $DOTTED_KEY))) (then
                  (local.set $k (i32.add (local.get $p) (i32.const 1)))
                  (block $noDot
                    (loop $dot
                      (br_if $noDot (i32.ge_u (local.get $k) (local.get $q)))
                      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load (local.get $k))
                        (v128.const i8x16 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46 46))))
                      ;; bytes from the closing quote on are not the key's
                      (if (i32.lt_u (i32.sub (local.get $q) (local.get $k)) (i32.const 16)) (then
                        (local.set $m (i32.and (local.get $m)
                          (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $q) (local.get $k))) (i32.const 1))))))
                      (if (local.get $m) (then
                        (local.set $flags (i32.or (local.get $flags) (global.get $DOTTED_KEY)))
                        (br $noDot)))
                      (local.set $k (i32.add (local.get $k) (i32.const 16)))
                      (br $dot)))))
                ;; "eventName" (9 bytes) and "eventSource" (11 bytes), compared as little-endian words
                (if (i32.eq (i32.sub (local.get $q) (local.get $p)) (i32.const 10)) (then
                  (if (i32.and
                        (i64.eq (i64.load (i32.add (local.get $p) (i32.const 1))) (i64.const 0x6d614e746e657665))
                        (i32.eq (i32.load8_u (i32.add (local.get $p) (i32.const 9))) (i32.const 0x65)))
                    (then (local.set $nameSlot (local.get $keys))))))
                (if (i32.eq (i32.sub (local.get $q) (local.get $p)) (i32.const 12)) (then
                  (if (i32.and
                        (i64.eq (i64.load (i32.add (local.get $p) (i32.const 1))) (i64.const 0x756f53746e657665))
                        (i32.and
                          (i32.eq (i32.load16_u (i32.add (local.get $p) (i32.const 9))) (i32.const 0x6372))
                          (i32.eq (i32.load8_u (i32.add (local.get $p) (i32.const 11))) (i32.const 0x65))))
                    (then (local.set $sourceSlot (local.get $keys))))))
                (local.set $flags (i32.or
                  (i32.and (local.get $flags) (i32.xor (global.get $EXPECT_KEY) (i32.const -1)))
                  (global.get $EXPECT_COLON))))
              (else
                (if (i32.eqz (i32.and (local.get $flags) (global.get $EXPECT_VALUE))) (then
                  (local.set $status (i32.const 2))
                  (br $exit)))
                (i32.store offset=8 (local.get $o) (i32.sub (local.get $p) (local.get $start)))
                (i32.store offset=12 (local.get $o) (i32.sub (i32.add (local.get $q) (i32.const 1)) (local.get $start)))
                (if (local.get $escaped) (then
                  (i32.store offset=16 (local.get $o) (i32.or (i32.load offset=16 (local.get $o)) (i32.const 2)))))
                (local.set $flags (i32.and (local.get $flags) (i32.xor (global.get $EXPECT_VALUE) (i32.const -1))))))))
          (local.set $p (i32.add (local.get $q) (i32.const 1)))
          (br $token)))
        (if (i32.or
              (i32.or (i32.eq (local.get $c) (i32.const 0x20)) (i32.eq (local.get $c) (i32.const 0x0a)))
              (i32.or (i32.eq (local.get $c) (i32.const 0x0d)) (i32.eq (local.get $c) (i32.const 0x09))))
          (then
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $token)))
        (if (local.get $top) (then
          ;; ':' after a key
          (if (i32.eq (local.get $c) (i32.const 0x3a)) (then
            (if (i32.eqz (i32.and (local.get $flags) (global.get $EXPECT_COLON))) (then (local.set $status (i32.const 2)) (br $exit)))
            (local.set $flags (i32.or
              (i32.and (local.get $flags) (i32.xor (global.get $EXPECT_COLON) (i32.const -1)))
              (global.get $EXPECT_VALUE)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $token)))
          ;; ',' after a value
          (if (i32.eq (local.get $c) (i32.const 0x2c)) (then
            (if (i32.and (local.get $flags) (global.get $EXPECTING)) (then (local.set $status (i32.const 2)) (br $exit)))
            (local.set $keys (i32.add (local.get $keys) (i32.const 1)))
            (local.set $flags (i32.or (local.get $flags) (global.get $EXPECT_KEY)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $token)))
          ;; '}' ends the record: after a value, or at once (an empty object)
          (if (i32.eq (local.get $c) (i32.const 0x7d)) (then
            (if (i32.and (local.get $flags) (global.get $EXPECTING))
              (then
                (if (i32.or
                      (i32.ne (i32.and (local.get $flags) (global.get $EXPECTING)) (global.get $EXPECT_KEY))
                      (i32.ne (local.get $keys) (i32.const 0)))
                  (then (local.set $status (i32.const 2)) (br $exit))))
              (else (local.set $keys (i32.add (local.get $keys) (i32.const 1)))))
            (local.set $depth (i32.const 0))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (local.set $status (i32.const 1))
            (br $exit)))
          ;; anything else is a value
          (if (i32.eqz (i32.and (local.get $flags) (global.get $EXPECT_VALUE))) (then (local.set $status (i32.const 2)) (br $exit)))
          (if (i32.eq (local.get $c) (i32.const 0x5d)) (then (local.set $status (i32.const 2)) (br $exit)))))
        (block $next
          ;; '{' or '['
          (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7b)) (then
            (if (local.get $top) (then
              (i32.store offset=8 (local.get $o) (i32.sub (local.get $p) (local.get $start)))
              (local.set $flags (i32.and (local.get $flags) (i32.xor (global.get $EXPECT_VALUE) (i32.const -1))))))
            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
            (if (i32.gt_u (local.get $depth) (local.get $maxNesting)) (then
              (local.set $flags (i32.or (local.get $flags) (global.get $TOO_DEEP)))))
            (br $next)))
          ;; '}' or ']' closing a nested value (or, when skipping, the value itself)
          (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7d)) (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (if (i32.and
                  (i32.eq (local.get $depth) (i32.const 1))
                  (i32.ne (i32.and (local.get $flags) (global.get $CAPTURE)) (i32.const 0)))
              (then (i32.store offset=12 (local.get $o) (i32.sub (i32.add (local.get $p) (i32.const 1)) (local.get $start)))))
            (if (i32.eqz (local.get $depth)) (then
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (local.set $status (i32.const 1))
              (br $exit)))
            (br $next)))
          (br_if $next (i32.or (i32.eq (local.get $c) (i32.const 0x2c)) (i32.eq (local.get $c) (i32.const 0x3a))))
          ;; a number, true, false or null: runs to the next delimiter
          (local.set $s (local.get $p))
          (if (local.get $resume) (then
            (local.set $p (i32.add (local.get $s) (local.get $resume)))
            (local.set $resume (i32.const 0))))
          (block $scalarEnd
            (loop $scalar
              (br_if $scalarEnd (i32.ge_u (local.get $p) (local.get $len)))
              (br_if $scalarEnd (call $isDelimiter (i32.load8_u (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $scalar)))
          (if (i32.ge_u (local.get $p) (local.get $len)) (then
            (local.set $resume (i32.sub (local.get $p) (local.get $s)))
            (local.set $p (local.get $s))
            (local.set $status (i32.const 0))
            (br $exit)))
          (if (local.get $top) (then
            (i32.store offset=8 (local.get $o) (i32.sub (local.get $s) (local.get $start)))
            (i32.store offset=12 (local.get $o) (i32.sub (local.get $p) (local.get $start)))
            (local.set $flags (i32.and (local.get $flags) (i32.xor (global.get $EXPECT_VALUE) (i32.const -1))))))
          (br $token))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $token)))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 8) (local.get $depth))
    (i32.store (i32.const 12) (local.get $keys))
    (i32.store (i32.const 16) (local.get $flags))
    (i32.store (i32.const 20) (local.get $nameSlot))
    (i32.store (i32.const 24) (local.get $sourceSlot))
    (i32.store (i32.const 28) (local.get $resume))
    (local.get $status))
  ;; The values table: texts of top-level values already decoded (the same eventName, userAgent, userIdentity in
  ;; record after record), found by their bytes so the caller hands out the value it decoded the first time.

  (func (export "seedTable") (param $s i32)
    (global.set $seed (i64.mul (i64.extend_i32_u (local.get $s)) (i64.const 0x9e3779b97f4a7c15))))

  ;; Bytes [$at, $at + $left) as a little-endian word, $left < 8 (the bytes past them belong to something else).
  (func $tail (param $at i32) (param $left i32) (result i64)
    (i64.and (i64.load (local.get $at))
      (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $left) (i32.const 3)))) (i64.const 1))))

  (func $hash (param $s i32) (param $n i32) (result i32)
    (local $h i64) (local $i i32) (local $full i32)
    (local.set $h (i64.xor (global.get $seed) (i64.extend_i32_u (local.get $n))))
    (local.set $full (i32.and (local.get $n) (i32.const -8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $full)))
        (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (i32.add (local.get $s) (local.get $i)))) (i64.const 0xff51afd7ed558ccd)))
        (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next)))
    (local.set $h (i64.mul
      (i64.xor (local.get $h) (call $tail (i32.add (local.get $s) (local.get $full)) (i32.and (local.get $n) (i32.const 7))))
      (i64.const 0xff51afd7ed558ccd)))
    (i32.wrap_i64 (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32)))))

  ;; Whether the $n bytes at $a and at $b are the same, 16 at a time.
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $i i32) (local $full i32)
    (local.set $full (i32.and (local.get $n) (i32.const -16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $full)))
        (if (v128.any_true (v128.xor (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (if (i32.ge_u (i32.sub (local.get $n) (local.get $i)) (i32.const 8)) (then
      (if (i64.ne (i64.load (i32.add (local.get $a) (local.get $i))) (i64.load (i32.add (local.get $b) (local.get $i))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 8)))))
    (i64.eq
      (call $tail (i32.add (local.get $a) (local.get $i)) (i32.sub (local.get $n) (local.get $i)))
      (call $tail (i32.add (local.get $b) (local.get $i)) (i32.sub (local.get $n) (local.get $i)))))

  ;; The id (slot) of the text [$s, $e) in the table: the id when the text is there, id + TABLE_SLOTS when it was
  ;; just added (the caller decodes it and keeps the value under that id), -1 when the table is full (the caller
  ;; empties it with clearTable, its values with it) and -2 when its hash's probe run is too long (not kept).
  ;; With $add 0 a text that is not there is not added: -3.
  (func (export "intern") (param $s i32) (param $e i32) (param $add i32) (result i32)
    (local $n i32) (local $h i32) (local $i i32) (local $slot i32) (local $at i32) (local $probes i32)
    (local.set $n (i32.sub (local.get $e) (local.get $s)))
    (local.set $h (call $hash (local.get $s) (local.get $n)))
    (local.set $i (i32.and (local.get $h) (i32.sub (global.get $TABLE_SLOTS) (i32.const 1))))
    (loop $probe
      (local.set $slot (i32.add (global.get $TABLE) (i32.shl (local.get $i) (i32.const 3))))
      (local.set $at (i32.load offset=4 (local.get $slot)))
      (if (i32.eqz (local.get $at)) (then
        (if (i32.eqz (local.get $add)) (then (return (i32.const -3))))
        (if (i32.or
              (i32.ge_u (global.get $entries) (global.get $TABLE_MAX))
              (i32.gt_u (i32.add (i32.add (global.get $arenaTop) (i32.const 4)) (local.get $n)) (global.get $ARENA_END)))
          (then (return (i32.const -1))))
        (i32.store (local.get $slot) (local.get $h))
        (i32.store offset=4 (local.get $slot) (i32.add (global.get $arenaTop) (i32.const 1)))
        (i32.store (global.get $arenaTop) (local.get $n))
        (memory.copy (i32.add (global.get $arenaTop) (i32.const 4)) (local.get $s) (local.get $n))
        (global.set $arenaTop (i32.and (i32.add (i32.add (global.get $arenaTop) (i32.const 7)) (local.get $n)) (i32.const -4)))
        (global.set $entries (i32.add (global.get $entries) (i32.const 1)))
        (return (i32.add (local.get $i) (global.get $TABLE_SLOTS)))))
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (if (i32.and (i32.eq (i32.load (local.get $slot)) (local.get $h)) (i32.eq (i32.load (local.get $at)) (local.get $n)))
        (then (if (call $same (i32.add (local.get $at) (i32.const 4)) (local.get $s) (local.get $n))
          (then (return (local.get $i))))))
      (local.set $probes (i32.add (local.get $probes) (i32.const 1)))
      (if (i32.ge_u (local.get $probes) (global.get $MAX_PROBES)) (then (return (i32.const -2))))
      (local.set $i (i32.and (i32.add (local.get $i) (i32.const 1)) (i32.sub (global.get $TABLE_SLOTS) (i32.const 1))))
      (br $probe))
    (unreachable))

  (func (export "clearTable")
    (memory.fill (global.get $TABLE) (i32.const 0) (i32.shl (global.get $TABLE_SLOTS) (i32.const 3)))
    (global.set $arenaTop (global.get $ARENA))
    (global.set $entries (i32.const 0)))
)
