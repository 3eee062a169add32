/*
 * 
 *
 * ACPI Data Table [APIC]
 *
 * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue
 */

[000h 0000   4]                    Signature : "APIC"    [Multiple APIC Description Table (MADT)]
[004h 0004   4]                 Table Length : 000001B0
[008h 0008   1]                     Revision : 06
[009h 0009   1]                     Checksum : 92
[00Ah 0010   6]                       Oem ID : "VMM   "
[010h 0016   8]                 Oem Table ID : "VMM-VIRT"
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "VMM "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   4]           Local Apic Address : 00000000
[028h 0040   4]        Flags (decoded below) : 00000000
                         PC-AT Compatibility : 0

[02Ch 0044   1]                Subtable Type : 0C [Generic Interrupt Distributor]
[02Dh 0045   1]                       Length : 18
[02Eh 0046   2]                     Reserved : 0000
[030h 0048   4]        Local GIC Hardware ID : 00000000
[034h 0052   8]                 Base Address : 000000003FFF0000
[03Ch 0060   4]               Interrupt Base : 00000000
[040h 0064   1]                      Version : 03
[041h 0065   3]                     Reserved : 000000

[044h 0068   1]                Subtable Type : 0E [Generic Interrupt Redistributor]
[045h 0069   1]                       Length : 10
[046h 0070   2]                     Reserved : 0000
[048h 0072   8]                 Base Address : 000000003FF70000
[050h 0080   4]                       Length : 00080000

[054h 0084   1]                Subtable Type : 0F [Generic Interrupt Translator]
[055h 0085   1]                       Length : 14
[056h 0086   2]                     Reserved : 0000
[058h 0088   4]               Translation ID : 00000000
[05Ch 0092   8]                 Base Address : 0000000004000000
[064h 0100   4]                     Reserved : 00000000

[068h 0104   1]                Subtable Type : 0B [Generic Interrupt Controller]
[069h 0105   1]                       Length : 52
[06Ah 0106   2]                     Reserved : 0000
[06Ch 0108   4]         CPU Interface Number : 00000000
[070h 0112   4]                Processor UID : 00000000
[074h 0116   4]        Flags (decoded below) : 00000001
                           Processor Enabled : 1
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[078h 0120   4]     Parking Protocol Version : 00000000
[07Ch 0124   4]        Performance Interrupt : 00000017
[080h 0128   8]               Parked Address : 0000000000000000
[088h 0136   8]                 Base Address : 0000000000000000
[090h 0144   8]     Virtual GIC Base Address : 0000000000000000
[098h 0152   8]  Hypervisor GIC Base Address : 0000000000000000
[0A0h 0160   4]        Virtual GIC Interrupt : 00000000
[0A4h 0164   8]   Redistributor Base Address : 0000000000000000
[0ACh 0172   8]                    ARM MPIDR : 0000000000000000
[0B4h 0180   1]             Efficiency Class : 00
[0B5h 0181   1]                     Reserved : 00
[0B6h 0182   2]       SPE Overflow Interrupt : 0000

[0BAh 0186   1]                Subtable Type : 0B [Generic Interrupt Controller]
[0BBh 0187   1]                       Length : 52
[0BCh 0188   2]                     Reserved : 0000
[0BEh 0190   4]         CPU Interface Number : 00000000
[0C2h 0194   4]                Processor UID : 00000001
[0C6h 0198   4]        Flags (decoded below) : 00000001
                           Processor Enabled : 1
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[0CAh 0202   4]     Parking Protocol Version : 00000000
[0CEh 0206   4]        Performance Interrupt : 00000017
[0D2h 0210   8]               Parked Address : 0000000000000000
[0DAh 0218   8]                 Base Address : 0000000000000000
[0E2h 0226   8]     Virtual GIC Base Address : 0000000000000000
[0EAh 0234   8]  Hypervisor GIC Base Address : 0000000000000000
[0F2h 0242   4]        Virtual GIC Interrupt : 00000000
[0F6h 0246   8]   Redistributor Base Address : 0000000000000000
[0FEh 0254   8]                    ARM MPIDR : 0000000000000001
[106h 0262   1]             Efficiency Class : 00
[107h 0263   1]                     Reserved : 00
[108h 0264   2]       SPE Overflow Interrupt : 0000

[10Ch 0268   1]                Subtable Type : 0B [Generic Interrupt Controller]
[10Dh 0269   1]                       Length : 52
[10Eh 0270   2]                     Reserved : 0000
[110h 0272   4]         CPU Interface Number : 00000000
[114h 0276   4]                Processor UID : 00000002
[118h 0280   4]        Flags (decoded below) : 00000008
                           Processor Enabled : 0
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[11Ch 0284   4]     Parking Protocol Version : 00000000
[120h 0288   4]        Performance Interrupt : 00000017
[124h 0292   8]               Parked Address : 0000000000000000
[12Ch 0300   8]                 Base Address : 0000000000000000
[134h 0308   8]     Virtual GIC Base Address : 0000000000000000
[13Ch 0316   8]  Hypervisor GIC Base Address : 0000000000000000
[144h 0324   4]        Virtual GIC Interrupt : 00000000
[148h 0328   8]   Redistributor Base Address : 0000000000000000
[150h 0336   8]                    ARM MPIDR : 0000000000000002
[158h 0344   1]             Efficiency Class : 00
[159h 0345   1]                     Reserved : 00
[15Ah 0346   2]       SPE Overflow Interrupt : 0000

[15Eh 0350   1]                Subtable Type : 0B [Generic Interrupt Controller]
[15Fh 0351   1]                       Length : 52
[160h 0352   2]                     Reserved : 0000
[162h 0354   4]         CPU Interface Number : 00000000
[166h 0358   4]                Processor UID : 00000003
[16Ah 0362   4]        Flags (decoded below) : 00000008
                           Processor Enabled : 0
          Performance Interrupt Trigger Mode : 0
          Virtual GIC Interrupt Trigger Mode : 0
[16Eh 0366   4]     Parking Protocol Version : 00000000
[172h 0370   4]        Performance Interrupt : 00000017
[176h 0374   8]               Parked Address : 0000000000000000
[17Eh 0382   8]                 Base Address : 0000000000000000
[186h 0390   8]     Virtual GIC Base Address : 0000000000000000
[18Eh 0398   8]  Hypervisor GIC Base Address : 0000000000000000
[196h 0406   4]        Virtual GIC Interrupt : 00000000
[19Ah 0410   8]   Redistributor Base Address : 0000000000000000
[1A2h 0418   8]                    ARM MPIDR : 0000000000000003
[1AAh 0426   1]             Efficiency Class : 00
[1ABh 0427   1]                     Reserved : 00
[1ACh 0428   2]       SPE Overflow Interrupt : 0000

Raw Table Data: Length 432 (0x1B0)

    0000: 41 50 49 43 B0 01 00 00 06 92 56 4D 4D 20 20 20  // APIC......VMM   
    0010: 56 4D 4D 2D 56 49 52 54 01 00 00 00 56 4D 4D 20  // VMM-VIRT....VMM 
    0020: 01 00 00 00 00 00 00 00 00 00 00 00 0C 18 00 00  // ................
    0030: 00 00 00 00 00 00 FF 3F 00 00 00 00 00 00 00 00  // .......?........
    0040: 03 00 00 00 0E 10 00 00 00 00 F7 3F 00 00 00 00  // ...........?....
    0050: 00 00 08 00 0F 14 00 00 00 00 00 00 00 00 00 04  // ................
    0060: 00 00 00 00 00 00 00 00 0B 52 00 00 00 00 00 00  // .........R......
    0070: 00 00 00 00 01 00 00 00 00 00 00 00 17 00 00 00  // ................
    0080: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0090: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00A0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00B0: 00 00 00 00 00 00 00 00 00 00 0B 52 00 00 00 00  // ...........R....
    00C0: 00 00 01 00 00 00 01 00 00 00 00 00 00 00 17 00  // ................
    00D0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00E0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    00F0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00  // ................
    0100: 00 00 00 00 00 00 00 00 00 00 00 00 0B 52 00 00  // .............R..
    0110: 00 00 00 00 02 00 00 00 08 00 00 00 00 00 00 00  // ................
    0120: 17 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0130: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0140: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0150: 02 00 00 00 00 00 00 00 00 00 00 00 00 00 0B 52  // ...............R
    0160: 00 00 00 00 00 00 03 00 00 00 08 00 00 00 00 00  // ................
    0170: 00 00 17 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0180: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    0190: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
    01A0: 00 00 03 00 00 00 00 00 00 00 00 00 00 00 00 00  // ................
