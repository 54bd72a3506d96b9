import type { DiagnosticCode } from './code.js';

/** IEC 61499 (4diac .fbt, .adp, .dtp, .sys, .fboot): E4xxx. */
export const IEC61499_CODES: readonly DiagnosticCode[] = [
  { code: 'E4001', severity: 'error', title: 'malformed XML', explanation: 'The 4diac file is not well-formed XML (an unclosed or mismatched tag, a bad attribute). The message gives the parser\'s reason; fix the file or export it again from the 4diac IDE.' },
  { code: 'E4002', severity: 'error', title: 'not a 4diac element', explanation: 'The root element is not one vPLC reads: FBType, AdapterType, DataType, SubAppType or System.' },
  { code: 'E4003', severity: 'error', title: 'unknown FB type', explanation: 'An FB instance names a type that is neither in the application\'s folders (a .sys: its folder and subfolders, 4diac\'s project layout; a .fboot: its own folder and --types folders) as <Type>.fbt, .adp, .sub nor in vPLC\'s built-in library.' },
  { code: 'E4004', severity: 'error', title: 'unknown data type', explanation: 'A variable has a type that is neither elementary nor declared in a .dtp file next to the application.' },
  { code: 'E4005', severity: 'error', title: 'dangling connection', explanation: 'A connection names an FB instance or a port that does not exist, or connects an output to an output or an input to an input.' },
  { code: 'E4006', severity: 'error', title: 'connection type mismatch', explanation: 'A data connection joins two ports of different types. 4diac requires both ends to have the same type (generic ANY ports take the type of what they are connected to).' },
  { code: 'E4007', severity: 'error', title: 'invalid ECC', explanation: 'The execution control chart of a basic FB references an unknown state, event, algorithm or output, has no START state, or a transition condition cannot be read.' },
  { code: 'E4008', severity: 'error', title: 'invalid boot file line', explanation: 'A line of the .fboot file is not `resource;<Request ID=".." Action="CREATE|WRITE|START" ...>` with an FB, Connection or parameter as FORTE reads it.' },
  { code: 'E4009', severity: 'error', title: 'duplicate name', explanation: 'Two FB instances, ports, states or algorithms in one scope have the same name.' },
  { code: 'E4010', severity: 'error', title: 'missing attribute', explanation: 'A required attribute (Name, Type, Source, Destination, Condition…) is missing from an element.' },
  { code: 'E4011', severity: 'error', title: 'generic type not bound', explanation: 'A generic port (ANY, ANY_NUM, ANY_MAGNITUDE…) of an FB instance is neither connected nor given a typed literal parameter, so vPLC cannot choose its concrete type. Connect it or write a typed literal such as INT#5.' },
  { code: 'E4012', severity: 'error', title: 'invalid parameter', explanation: 'A parameter value (a .sys/.sub Parameter or a .fboot WRITE) is not a literal of the port\'s type: an integer out of the type\'s range, a date that is not in the calendar, a malformed literal; or it names a port that is not a data input. STRUCT values are written `(field:=value, …)` (fields may be left out, structs nest) and ARRAY values `[1, 2, 3(0)]`. Values are checked at compile time, against the port\'s concrete type.' },
  { code: 'E4013', severity: 'error', title: 'unsupported FB', explanation: 'The FB type declares no behaviour vPLC can execute: a service interface FB without a native implementation in blocks/native, or an element vPLC does not support.' },
  { code: 'E4014', severity: 'error', title: 'unknown file kind', explanation: 'compile61499 reads .fbt, .adp, .dtp, .sub, .sys and .fboot files; the given file has another extension.' },
  { code: 'E4015', severity: 'error', title: 'no resource', explanation: 'The system declares no device with a resource, or the boot file creates no FB; there is nothing to run.' },
  { code: 'W4002', severity: 'warning', title: 'user type shadows a library type', explanation: 'A type file of the application (or of a --types folder) has the name of a type of vPLC\'s library (F_ADD, E_CTU…), so the application\'s own declaration is used instead of the library\'s, as 4diac and FORTE do. Rename the file if the library type was meant.' },
  { code: 'W4001', severity: 'warning', title: 'ignored element', explanation: 'The element is valid 4diac but vPLC does not use it (mappings to other devices, segments, attributes for the IDE).' },
];
