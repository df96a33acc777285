"""PDF reader: page geometry from pypdfium2, table finding with pdfplumber's algorithm.

How a page is read:

1. pypdfium2 gives every page's characters with their (loose) boxes, cheaply (a few ms a page).
2. Only pages whose text shows table keywords (``第二十条``, ``申请人情况``, ``行政复议`` …), and pages
   that continue a table from the page before, get table finding. Their vector paths are read with
   pypdfium2 and turned into ruling edges (invisible white fills dropped, a missing closing rule at
   a page break added), then pdfplumber's own edge merging, intersection and cell-grouping functions
   (``pdfplumber.table``) build the cells. Parsing the page a second time with pdfminer is what makes
   bare pdfplumber slow, so it is skipped.
3. Each character is placed in the cell its centre lies in, so a number belongs to the cell it sits
   in even where the text stream prints it on the line above its label. Rows/columns/spans come from
   the cell bboxes measured against the table's distinct x- and y-edges.
4. Text outside the tables becomes paragraphs (page numbers and repeated running heads dropped),
   tables continuing on the next page are stitched into one :class:`Table`.

A page with table keywords but no ruled table falls back to pdfplumber's text strategy; one whose
table is an image gets a ``table_not_machine_readable: page N`` warning.
"""


from extractor.readers.pdf.reader import read

__all__ = ["read"]
