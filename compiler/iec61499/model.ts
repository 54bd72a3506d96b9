/**
 * The IEC 61499 network model an Application carries when it was built from 4diac files
 * (.sys, .fboot): devices, resources, FB instances, event and data connections.
 */
export interface Iec61499Model {
  kind: 'iec61499';
}
