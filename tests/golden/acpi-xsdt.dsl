/*
 * 
 *
 * ACPI Data Table [XSDT]
 *
 * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue
 */

[000h 0000   4]                    Signature : "XSDT"    [Extended System Description Table]
[004h 0004   4]                 Table Length : 00000044
[008h 0008   1]                     Revision : 01
[009h 0009   1]                     Checksum : 0D
[00Ah 0010   6]                       Oem ID : "VMM   "
[010h 0016   8]                 Oem Table ID : "VMM-VIRT"
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "VMM "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   8]       ACPI Table Address   0 : 00000000030001A0
[02Ch 0044   8]       ACPI Table Address   1 : 00000000030002C0
[034h 0052   8]       ACPI Table Address   2 : 0000000003000460
[03Ch 0060   8]       ACPI Table Address   3 : 00000000030004D0

Raw Table Data: Length 68 (0x44)

    0000: 58 53 44 54 44 00 00 00 01 0D 56 4D 4D 20 20 20  // XSDTD.....VMM   
    0010: 56 4D 4D 2D 56 49 52 54 01 00 00 00 56 4D 4D 20  // VMM-VIRT....VMM 
    0020: 01 00 00 00 A0 01 00 03 00 00 00 00 C0 02 00 03  // ................
    0030: 00 00 00 00 60 04 00 03 00 00 00 00 D0 04 00 03  // ....`...........
    0040: 00 00 00 00                                      // ....
