// Eight (or sixteen) weights as a kotoba_v8 (kotoba_v16), from floats or from IEEE halves: included by a bodies header once per instruction
// set, with KOTOBA_TARGET and KOTOBA_NAME defined; no include guard on purpose.

KOTOBA_TARGET static inline kotoba_v8 KOTOBA_NAME(load8)(const float *p) {
    kotoba_v8 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

KOTOBA_TARGET static inline kotoba_v8 KOTOBA_NAME(load8h)(const uint16_t *p) {
    kotoba_h8 h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, kotoba_v8);
}

KOTOBA_TARGET static inline kotoba_v16 KOTOBA_NAME(load16)(const float *p) {
    kotoba_v16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

KOTOBA_TARGET static inline kotoba_v16 KOTOBA_NAME(load16h)(const uint16_t *p) {
    kotoba_h16 h;
    __builtin_memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, kotoba_v16);
}
