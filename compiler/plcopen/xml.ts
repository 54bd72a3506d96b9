/** The PLCopen importer reads XML with the shared reader (positions of elements, attributes and text). */
export {
  attr, childElements, decodeEntities, firstChild, localName, parseXml, path, textOf,
  type XmlAttribute, type XmlElement, type XmlParseError, type XmlParseResult, type XmlText,
} from '../xml/reader.js';
