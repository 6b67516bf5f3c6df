"""Charts for chairs: SVG drawn on the server.

``geometry`` holds the chart builders: small pure functions from plain data to the shapes a
template draws (no database, no Django). ``queries`` reads the data of each chart with a
constant number of queries, through the same rights as every chair page. The templates in
``templates/charts/`` draw the shapes and list the numbers beside each chart.
"""
