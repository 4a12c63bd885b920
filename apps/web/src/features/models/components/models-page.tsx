import { LoadError } from '../../../components/ui/load-error.tsx'
import { Page } from '../../../components/ui/panel.tsx'
import { useModelsOverview } from '../api/models-api.ts'
import { CatalogueList } from './catalogue-list.tsx'
import { ConfiguredModels } from './configured-models.tsx'
import './models-page.css'

/** `/admin/models` (admin): every model with its status, a test call, local model downloads, the default model. */
export function ModelsPage() {
  const overview = useModelsOverview()
  return (
    <Page title="Models" wide>
      <LoadError what="the models" query={overview} />
      {overview.data && (
        <>
          <ConfiguredModels models={overview.data.models} />
          <CatalogueList entries={overview.data.catalogue} defaultId={overview.data.default_id} />
        </>
      )}
    </Page>
  )
}
