import { BarChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import type { EChartsOption } from 'echarts';

// Only what the portal draws, so the bundle carries bar charts on canvas and nothing else.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, CanvasRenderer]);

/**
 * A bar chart on canvas. ECharts' aria description is on, and the figure is labelled; the page gives the
 * same figures as a table for screen readers and keyboards.
 *
 * @example
 * <Chart label="即办率" option={{ xAxis: { type: 'category', data: ['市场'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', data: [0.5] }] }} />
 */
export function Chart({ label, option, testId }: { label: string; option: EChartsOption; testId?: string }) {
  return (
    <figure aria-label={label} style={{ margin: 0 }} data-testid={testId}>
      <ReactEChartsCore
        echarts={echarts}
        option={{ aria: { enabled: true }, animation: false, ...option }}
        style={{ height: 320, width: '100%' }}
        opts={{ renderer: 'canvas' }}
        notMerge
      />
    </figure>
  );
}
