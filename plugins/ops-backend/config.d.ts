export interface Config {
  /** Configuration of the ops portal backend (plugin id `ops`). */
  ops?: {};
}
